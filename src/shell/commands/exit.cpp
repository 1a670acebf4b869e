// exit / quit — leave dust (sessions are closed, history saved).
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/quit.h"

namespace dust::shell {

void register_exit(CommandTable& t) {
  t.add({.name = "exit",
         .aliases = {"quit"},
         .usage = "exit",
         .summary = "leave dust (Ctrl-D too)",
         .run = [](Context& ctx, Args&) {
           if (!confirm_quit(ctx)) return 1;  // remote commands still run and the user stays
           ctx.quit_requested = true;
           return 0;
         }});
}

}  // namespace dust::shell
