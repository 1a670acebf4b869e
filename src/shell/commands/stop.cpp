// stop [--wait] [-y] [target]: the shared power row (shell/power.h).
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/power.h"

namespace dust::shell {

void register_stop(CommandTable& t) {
  t.add(power_command("stop", "stop nodes (no target = every node, after confirmation)",
                      PowerAction::Stop));
}

}  // namespace dust::shell
