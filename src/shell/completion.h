// Tab completion from the command table: command names, then each word as the command's row
// declares it (nodes when the inventory is cached, so completing never waits on the network; files;
// clusters; clusters and regions; commands).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "shell/command.h"

namespace dust::shell {

class Context;

// What the word being completed (`word`, after `before`) can become: matches, or "a local file
// name" (files), which readline completes in the client's own directory.
struct Candidates {
  std::vector<std::string> matches;
  bool files = false;
};
Candidates candidates(Context& ctx, const std::string& before, const std::string& word);

// readline's completion from `ctx` (in-process) or from another source (a dust server's answer).
void setup_completion(Context& ctx);
void setup_completion(
    std::function<Candidates(const std::string& before, const std::string& word)> source);

// How the word after `before` (the line up to the word being completed, command name first)
// completes for command `c`: the row's kind for that position, the last one repeating.
CompleteKind completion_for(const Command& c, const std::string& before);

}  // namespace dust::shell
