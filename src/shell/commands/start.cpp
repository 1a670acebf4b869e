// start [--wait] [target]
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/power.h"

namespace dust::shell {

void register_start(CommandTable& t) {
  t.add({.name = "start",
         .usage = "start [--wait] [target]",
         .summary = "start stopped nodes (no target = every stopped node, without asking)",
         .flags = {{"-w", "--wait", "wait for the new state (start: and for ssh to answer)"},
                   {"-y", "--yes", "do not ask for confirmation"}},
         .target = TargetKind::Optional,
         .acts = true,
         .max_args = 0,
         .complete = {CompleteKind::Nodes},
         .run = [](Context& ctx, Args& a) { return change_power(ctx, a, PowerAction::Start); }});
}

}  // namespace dust::shell
