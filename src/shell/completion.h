// Tab completion from the command table: command names, then each word as the command's row
// declares it (nodes when the inventory is cached, so completing never waits on the network; files;
// clusters; clusters and regions; commands).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "shell/command.h"
#include "shell/readline_completion.h"

namespace dust::shell {

class Context;

Candidates candidates(Context& ctx, const std::string& before, const std::string& word);

// readline's completion from `ctx` (in-process).
void setup_completion(Context& ctx);

// How the word after `before` (the line up to the word being completed, command name first)
// completes for command `c`: the row's kind for that position, the last one repeating.
CompleteKind completion_for(const Command& c, const std::string& before);

}  // namespace dust::shell
