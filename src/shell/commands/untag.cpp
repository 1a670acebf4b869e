// untag <target> k[,k2] — DeleteTags on the selected nodes.
#include "cloud/ec2.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/tag_args.h"
#include "shell/tag_change.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  auto keys = parse_tag_keys(a.words[0]);
  return change_tags(
      ctx, a, "untagged",
      [&](cloud::Ec2Api& ec2, const std::vector<std::string>& ids) { ec2.delete_tags(ids, keys); });
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
