// showex [target] — show with details (= show -v).
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/commands/show.h"

namespace dust::shell {

void register_showex(CommandTable& t) {
  t.add({.name = "showex",
         .usage = "showex [target]",
         .summary = "list nodes with details (= show -v)",
         .target = TargetKind::Optional,
         .max_args = 0,
         .complete = {CompleteKind::Nodes},
         .run = [](Context& ctx, Args& a) { return show_nodes(ctx, a, true); }});
}

}  // namespace dust::shell
