// change_tags (tag_change.h).
#include "shell/tag_change.h"

#include <fmt/format.h>

#include "shell/context.h"
#include "shell/tag_args.h"
#include "util/fold.h"

namespace dust::shell {

int change_tags(
    Context& ctx, const Args& a, const char* verb,
    const std::function<void(cloud::Ec2Api&, const std::vector<std::string>& ids)>& change) {
  auto ids = ids_of(a.nodes, a.target);
  // Labels before the change: the names printed are those the user selected by.
  auto labels = ctx.labels(a.nodes);
  change(ctx.ec2(), ids);
  ctx.invalidate();
  ctx.out().out(fmt::format("{} {} node{}: {}\n", verb, ids.size(), ids.size() == 1 ? "" : "s",
                            fold_names(labels)));
  return 0;
}

}  // namespace dust::shell
