// untag <target> k[,k2] — DeleteTags on the selected nodes.
#include <fmt/format.h>

#include "cloud/ec2.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/node_table.h"
#include "shell/tag_args.h"
#include "util/error.h"
#include "util/fold.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  auto keys = parse_tag_keys(a.words[0]);
  auto ids = ids_of(a.nodes, a.target);
  // Labels before the change: the names printed are those the user selected by.
  auto labels = ctx.labels(a.nodes);
  ctx.ec2().delete_tags(ids, keys);
  ctx.invalidate();
  ctx.out().out(fmt::format("untagged {} node{}: {}\n", ids.size(), ids.size() == 1 ? "" : "s",
                            fold_names(labels)));
  return 0;
}

}  // namespace

void register_untag(CommandTable& t) {
  t.add({.name = "untag",
         .usage = "untag <target> key[,key2]",
         .summary = "remove tags from nodes (keys starting aws: are refused)",
         .target = TargetKind::Required,
         .acts = true,
         .min_args = 1,
         .max_args = 1,
         .complete = {CompleteKind::Nodes},
         .run = run});
}

}  // namespace dust::shell
