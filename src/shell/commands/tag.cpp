// tag <target> k=v[,k2=v2] — CreateTags on the selected nodes.
#include "cloud/ec2.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/tag_args.h"
#include "shell/tag_change.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  auto tags = parse_tag_pairs(a.words[0]);
  return change_tags(
      ctx, a, "tagged",
      [&](cloud::Ec2Api& ec2, const std::vector<std::string>& ids) { ec2.create_tags(ids, tags); });
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
