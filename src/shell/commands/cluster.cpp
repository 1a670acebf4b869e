// cluster list — the cluster files in $DUST_HOME/clusters, by region.
#include <fmt/format.h>

#include "cluster/cluster_file.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "util/error.h"

namespace dust::shell {
namespace {

int list(Context& ctx) {
  auto entries = cluster::list_clusters();
  if (entries.empty()) {
    ctx.out().out(fmt::format("no clusters in {} (create one with assign or load)\n",
                              cluster::clusters_dir()));
    return 0;
  }
  int status = 0;
  std::string region = "\x01";  // never a region: forces the first heading
  for (const auto& e : entries) {
    if (!e.error.empty()) {
      ctx.out().err(fmt::format("unreadable cluster file: {}\n", e.error));
      status = 1;
      continue;
    }
    if (e.region != region) ctx.out().out(fmt::format("{}:\n", region = e.region));
    ctx.out().out(fmt::format("  {}{}\n", e.name, e.name == ctx.cluster_name() ? " *" : ""));
  }
  return status;
}

int run(Context& ctx, Args& a) {
  if (a.words.size() == 1 && a.words[0] == "list") return list(ctx);
  throw Error("usage: cluster list");
}

}  // namespace

void register_cluster(CommandTable& t) {
  t.add({.name = "cluster",
         .aliases = {},
         .usage = "cluster list",
         .summary = "list cluster files by region",
         .help = "",
         .flags = {},
         .complete = CompleteKind::Clusters,
         .run = run});
}

}  // namespace dust::shell
