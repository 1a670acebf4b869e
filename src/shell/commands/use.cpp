// use [<region>|region <r>|cluster <name>|<cluster>] — switch the working set.
#include <fmt/format.h>

#include <algorithm>

#include "cloud/ec2.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "util/error.h"
#include "util/log.h"

namespace dust::shell {
namespace {

int use_region(Context& ctx, const std::string& r) {
  auto regions = ctx.ec2().describe_regions();
  if (std::find(regions.begin(), regions.end(), r) == regions.end()) {
    std::string list;
    for (const auto& x : regions) list += (list.empty() ? "" : ", ") + x;
    throw Error(fmt::format("unknown region '{}' (known: {})", r, list));
  }
  ctx.set_region(r);
  log::info("Working set is now region [{}]", r);
  return 0;
}

int list(Context& ctx) {
  std::string s = "regions:";
  for (const auto& r : ctx.ec2().describe_regions())
    s += r == ctx.region() ? fmt::format(" [{}]", r) : " " + r;
  ctx.out().out(s + "\n");
  return 0;
}

int run(Context& ctx, Args& a) {
  if (a.words.empty()) return list(ctx);
  if (a.words.size() == 2 && a.words[0] == "region") return use_region(ctx, a.words[1]);
  if (a.words.size() == 2 && a.words[0] == "cluster")
    throw Error(fmt::format("no cluster named '{}'", a.words[1]));
  if (a.words.size() == 1) return use_region(ctx, a.words[0]);
  throw Error("usage: use [<region> | region <region> | cluster <name> | <cluster>]");
}

}  // namespace

void register_use(CommandTable& t) {
  t.add({.name = "use",
         .usage = "use [<region>|region <r>|cluster <name>]",
         .summary = "switch the working set to a region or a cluster; no argument lists them",
         .complete = CompleteKind::Regions,
         .run = run});
}

}  // namespace dust::shell
