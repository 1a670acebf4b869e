// The live line of a command that waits for its nodes on a terminal (one-shot, script, `@@`):
// "@ 37/500 done · 2 failed · 461 running: worker[12-472] · 14 s", as clush -P does. Pure.
#pragma once
#include <string>
#include <vector>

#include "ssh/pool.h"

namespace dust::shell {

// `width` bounds the text (the terminal's columns); the running nodes' folded names are cut with
// "…" to fit.
std::string command_progress(const std::vector<ssh::NodeResult>& results, double seconds,
                             size_t width);

}  // namespace dust::shell
