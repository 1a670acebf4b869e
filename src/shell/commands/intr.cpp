// intr [target] — Ctrl-C for the commands still running on nodes, from the interactive shell (where
// a command runs in the background of the prompt and the terminal's own Ctrl-C stays with dust).
#include <fmt/format.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/sessions.h"
#include "util/error.h"
#include "util/fold.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  ssh::Pool& pool = ctx.sessions().pool();
  std::vector<ssh::Endpoint> eps;
  if (!a.target.empty()) {
    eps = ctx.sessions().endpoints(a.nodes);
    if (eps.empty()) throw Error(fmt::format("intr: '{}' matches no node", a.target));
  }
  int n = pool.interrupt(eps);  // every node's running command when no target was given
  if (n == 0) {
    std::vector<std::string> names;
    for (const auto& e : eps) names.push_back(e.node_label);
    ctx.out().err(
        fmt::format("no command running on {}\n", eps.empty() ? "any node" : fold_names(names)));
    return 1;
  }
  ctx.out().err(fmt::format("interrupt sent to {} node{}\n", n, n == 1 ? "" : "s"));
  return 0;
}

}  // namespace

void register_intr(CommandTable& t) {
  t.add({.name = "intr",
         .usage = "intr [target]",
         .summary =
             "interrupt (Ctrl-C) the commands still running on nodes (no target = all of them)",
         .help =
             "Sends the terminal's interrupt character to each node's running command, as Ctrl-C "
             "would. The node's prompt marker then reports the command's end as usual.",
         .target = TargetKind::Optional,
         .max_args = 0,
         .complete = {CompleteKind::Nodes},
         .run = run});
}

}  // namespace dust::shell
