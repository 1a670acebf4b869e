// detach — leave the dust server running with every session (also Ctrl-\ twice); `dust` attaches.
#include "shell/attachments.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "util/error.h"

namespace dust::shell {

void register_detach(CommandTable& t) {
  t.add({.name = "detach",
         .usage = "detach",
         .summary = "leave dust with the server and every session running (Ctrl-\\ twice too)",
         .help = "The sessions, their state (cd, variables, running commands), the working set "
                 "and :failed/:ok stay in the dust server; `dust` attaches again and shows what "
                 "nodes printed meanwhile. `exit` in the last attached dust ends the server; "
                 "`dust kill-server` ends it from anywhere.",
         .max_args = 0,
         .run = [](Context& ctx, Args&) {
           Attachments* a = ctx.attachments();
           if (!a)
             throw Error(
                 "detach: this dust runs without a server (server.enabled is false, or it was "
                 "started for one command)");
           a->detach();
           return 0;
         }});
}

}  // namespace dust::shell
