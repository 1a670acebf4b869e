// put, get and the Lua dust.put/dust.get run their transfers the same way: on the running nodes of
// a target, over the shell's ssh sessions, result lines labelled by its node formatter.
#pragma once
#include <vector>

#include "model/node.h"
#include "transfer/engine.h"

namespace dust::shell {

class Context;

// Runs `job` on `running` (from Context::select_running). `command` = a user's put/get: a progress
// line on a terminal and "<verb> failed on N of M nodes" at the end; a Lua handler gets neither,
// its output stays line-oriented. Returns the number of nodes that failed.
int run_transfer(Context& ctx, const std::vector<const Node*>& running, transfer::Job& job,
                 bool command);
// put's and get's exit status after run_transfer: 130 when Ctrl-C stopped it (a script then stops,
// as after an interrupted `@`), else 1 when a node failed, else 0.
int transfer_status(Context& ctx, int failed);

}  // namespace dust::shell
