// The ssh side of the shell: the one session pool, shared by `@` (and later put/get).
#pragma once
#include "ssh/pool.h"

namespace dust::shell {

class Context;

// The pool for this process, created on first use from the context's config and event loop.
ssh::Pool& ssh_pool(Context& ctx);
// Endpoints of the given nodes with the config's address/user/key settings.
std::vector<ssh::Endpoint> endpoints_for(Context& ctx, const std::vector<const Node*>& nodes);

}  // namespace dust::shell
