// use [<region>|region <r>|cluster <name>|<cluster>] — switch the working set.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "cloud/ec2.h"
#include "cluster/cluster_file.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/commands/show.h"
#include "shell/context.h"
#include "util/error.h"
#include "util/log.h"
#include "util/suggest.h"

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

int use_cluster(Context& ctx, const std::string& name) {
  ctx.use_cluster(name);
  log::info("Showing nodes for cluster [{}] in region [{}]", name, ctx.region());
  Args all;
  all.nodes = ctx.select("");
  return show_nodes(ctx, all, false);
}

int list(Context& ctx) {
  std::string clusters;
  for (const auto& c : cluster::list_clusters())
    if (c.error.empty())
      clusters += c.name == ctx.cluster_name() ? fmt::format(" [{}]({})", c.name, c.region)
                                               : fmt::format(" {}({})", c.name, c.region);
  ctx.out().out("clusters:" + (clusters.empty() ? std::string(" none") : clusters) + "\n");
  std::string s = "regions:";
  for (const auto& r : ctx.ec2().describe_regions())
    s += r == ctx.region() ? fmt::format(" [{}]", r) : " " + r;
  ctx.out().out(s + "\n");
  return 0;
}

int run(Context& ctx, Args& a) {
  if (a.words.empty()) return list(ctx);
  if (a.words.size() == 2 && a.words[0] == "region") return use_region(ctx, a.words[1]);
  if (a.words.size() == 2 && a.words[0] == "cluster") return use_cluster(ctx, a.words[1]);
  if (a.words.size() == 1) {
    const std::string& w = a.words[0];
    if (cluster::valid_cluster_name(w) && cluster::cluster_exists(w)) return use_cluster(ctx, w);
    auto regions = ctx.ec2().describe_regions();
    if (std::find(regions.begin(), regions.end(), w) == regions.end()) {
      // Neither: name both kinds, since the person may have meant either.
      std::string clusters;
      for (const auto& c : cluster::list_clusters())
        if (c.error.empty()) clusters += (clusters.empty() ? "" : ", ") + c.name;
      // Regions are many and well known: a near miss is named, the list is `use`'s.
      std::string near = util::closest(w, regions);
      throw Error(fmt::format(
          "no cluster or region named '{}' (clusters: {}; {}; `use` lists every region)", w,
          clusters.empty() ? "none, `load FILE` creates one" : clusters,
          near.empty() ? "regions are named like us-east-1" : "did you mean " + near + "?"));
    }
    return use_region(ctx, w);
  }
  throw UsageError(a.words.size() == 2
                       ? fmt::format("'{}' is neither region nor cluster", a.words[0])
                       : std::string("one name, or region/cluster and a name"));
}

}  // namespace

void register_use(CommandTable& t) {
  t.add({.name = "use",
         .usage = "use [<cluster>|<region>|cluster <name>|region <r>]",
         .summary = "switch the working set to a cluster or a region; no argument lists them",
         .help =
             "In a cluster, nodes carry the cluster file's friendly names and ssh settings, the\n"
             "prompt shows the cluster, and its region becomes the current region.",
         .max_args = 2,
         .complete = {CompleteKind::Places},
         .run = run});
}

}  // namespace dust::shell
