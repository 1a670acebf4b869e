// terminate [--wait] [target]
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/power.h"

namespace dust::shell {

void register_terminate(CommandTable& t) {
  t.add(
      {.name = "terminate",
       .usage = "terminate [--wait] [target]",
       .summary = "terminate nodes after showing them and asking Continue [y/N]",
       .flags = {{"-w", "--wait", "wait until the nodes reach their new state"},
                 {"-y", "--yes", "do not ask for confirmation"}},
       .target = TargetKind::Optional,
       .acts = true,
       .max_args = 0,
       .complete = {CompleteKind::Nodes},
       .run = [](Context& ctx, Args& a) { return change_power(ctx, a, PowerAction::Terminate); }});
}

}  // namespace dust::shell
