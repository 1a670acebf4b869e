// refresh [target] — drop the node cache and show again.
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/commands/show.h"
#include "shell/context.h"

namespace dust::shell {
namespace {
// Takes its target itself (TargetKind::None) so the stale cache is never fetched first.
int run(Context& ctx, Args& a) {
  ctx.invalidate();
  if (!a.words.empty()) a.target = a.words[0], a.words.erase(a.words.begin());
  a.nodes = ctx.select(a.target);
  return show_nodes(ctx, a, false);
}
}  // namespace

void register_refresh(CommandTable& t) {
  t.add({.name = "refresh",
         .usage = "refresh [target]",
         .summary = "fetch the nodes again from the cloud and show them",
         .complete = CompleteKind::Nodes,
         .run = run});
}

}  // namespace dust::shell
