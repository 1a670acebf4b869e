// The targets `:failed` and `:ok` (PRODUCT.md §7): the nodes where the last `@`/`@@`/put/get of
// this dust process failed (non-zero exit, could not connect, lost) or succeeded.
#pragma once
#include <vector>

#include "select/target.h"
#include "shell/outcome.h"

namespace dust::shell {

// Binds the sets `t` uses to `last` (the last command's outcomes, nullptr before any). A set the
// target includes that holds no node is an error naming why (util/error.h Error), so nothing runs.
void bind_result_sets(select::Target& t, const std::vector<Outcome>* last);

}  // namespace dust::shell
