// confirm_quit: `exit`, `quit` and Ctrl-D ask before closing sessions whose commands still run.
#include "shell/quit.h"

#include <fmt/format.h>

#include "shell/context.h"
#include "shell/sessions.h"
#include "util/fold.h"

namespace dust::shell {

bool confirm_quit(Context& ctx) {
  if (!ctx.interactive()) return true;
  std::vector<std::string> busy = ctx.sessions().busy_nodes();
  if (busy.empty()) return true;
  ctx.out().err(fmt::format("{} node{} still running a command: {}\n", busy.size(),
                            busy.size() == 1 ? "" : "s", fold_names(busy)));
  return ctx.terminal().confirm("Quit anyway (their sessions close and the commands end)?");
}

}  // namespace dust::shell
