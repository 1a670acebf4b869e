// refresh [target] — drop the node cache and show again.
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/commands/show.h"
#include "shell/context.h"

namespace dust::shell {
namespace {
// The row's refetch drops the cache before the dispatcher resolves the target.
int run(Context& ctx, Args& a) { return show_nodes(ctx, a, false); }
}  // namespace

void register_refresh(CommandTable& t) {
  t.add({.name = "refresh",
         .usage = "refresh [target]",
         .summary = "fetch the nodes again from the cloud and show them",
         .target = TargetKind::Optional,
         .refetch = true,
         .max_args = 0,
         .complete = {CompleteKind::Nodes},
         .run = run});
}

}  // namespace dust::shell
