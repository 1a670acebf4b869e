// Tab completion from the command table: command names, then each word as the command's row
// declares it (nodes when the inventory is cached, so completing never waits on the network; files;
// clusters; clusters and regions; commands).
#pragma once
#include <string>

#include "shell/command.h"

namespace dust::shell {

class Context;

void setup_completion(Context& ctx);

// How the word after `before` (the line up to the word being completed, command name first)
// completes for command `c`: the row's kind for that position, the last one repeating.
CompleteKind completion_for(const Command& c, const std::string& before);

}  // namespace dust::shell
