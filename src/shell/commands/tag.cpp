// tag <target> k=v[,k2=v2] — CreateTags on the selected nodes.
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
  auto tags = parse_tag_pairs(a.words[0]);
  auto ids = ids_of(a.nodes, a.target);
  // Labels before the change: the names printed are those the user selected by.
  auto labels = ctx.labels(a.nodes);
  ctx.ec2().create_tags(ids, tags);
  ctx.invalidate();
  ctx.out().out(fmt::format("tagged {} node{}: {}\n", ids.size(), ids.size() == 1 ? "" : "s",
                            fold_names(labels)));
  return 0;
}

}  // namespace

void register_tag(CommandTable& t) {
  t.add({.name = "tag",
         .usage = "tag <target> key=value[,key2=value2]",
         .summary = "add or change tags on nodes (keys starting aws: are refused)",
         .target = TargetKind::Required,
         .acts = true,
         .min_args = 1,
         .max_args = 1,
         .complete = {CompleteKind::Nodes},
         .run = run});
}

}  // namespace dust::shell
