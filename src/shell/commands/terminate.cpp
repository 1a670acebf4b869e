// terminate [--wait] [-y] [target]: the shared power row (shell/power.h).
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/power.h"

namespace dust::shell {

void register_terminate(CommandTable& t) {
  t.add(power_command("terminate", "terminate nodes after showing them and asking Continue [y/N]",
                      PowerAction::Terminate));
}

}  // namespace dust::shell
