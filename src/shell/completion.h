// Tab completion from the command table: command names, node names (when the inventory is cached,
// so completing never waits on the network), files.
#pragma once

namespace dust::shell {

class Context;

void setup_completion(Context& ctx);

}  // namespace dust::shell
