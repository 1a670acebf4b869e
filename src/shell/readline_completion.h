// readline's Tab completion from a source of candidates: the command table in-process
// (completion.h) or a dust server's answer (server/client.cpp), which needs nothing of the table.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace dust::shell {

// What the word being completed (`word`, after `before`) can become: matches, or "a local file
// name" (files), which readline completes in the client's own directory.
struct Candidates {
  std::vector<std::string> matches;
  bool files = false;
};

void setup_completion(
    std::function<Candidates(const std::string& before, const std::string& word)> source);

}  // namespace dust::shell
