// start [--wait] [-y] [target]: the shared power row (shell/power.h).
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/power.h"

namespace dust::shell {

void register_start(CommandTable& t) {
  t.add(power_command("start",
                      "start stopped nodes (no target = every stopped node, without asking)",
                      PowerAction::Start));
}

}  // namespace dust::shell
