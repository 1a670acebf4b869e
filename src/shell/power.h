// start/stop/terminate share one flow: list the nodes, confirm when needed, call EC2, report each
// state change, refresh the cache, optionally wait for the final state.
#pragma once
#include "shell/command.h"

namespace dust::shell {

enum class PowerAction { Start, Stop, Terminate };

int change_power(Context& ctx, Args& a, PowerAction action);

// The table row of start, stop or terminate: same flags, target and completion; only the name,
// summary and action differ.
Command power_command(const char* name, const char* summary, PowerAction action);

}  // namespace dust::shell
