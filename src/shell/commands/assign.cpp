// assign <filter> [name] [user=<ssh user>] — save the nodes a filter selects as a named cluster
// file ($DUST_HOME/clusters/<name>.yaml), their names taken from their Name tags.
#include "cluster/assign.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "cluster/cluster_file.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/node_table.h"
#include "shell/sessions.h"
#include "ssh/login.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/log.h"

namespace dust::shell {
namespace {

constexpr const char* kUsage = "assign <filter> [name] [user=<ssh user>] [--yes]";

int run(Context& ctx, Args& a) {
  std::string name, user;
  bool user_given = false;
  for (const auto& w : a.words) {
    // Cluster names cannot contain '=', so user=<u> is never mistaken for a name.
    if (w.rfind("user=", 0) == 0) {
      user = w.substr(5);
      user_given = true;
    } else if (name.empty()) {
      name = w;
    } else {
      throw UsageError(fmt::format("unexpected argument '{}'", w));
    }
  }

  // A name given is checked before anything is shown or asked.
  if (!name.empty())
    if (std::string why = cluster::new_cluster_name_problem(name); !why.empty()) throw Error(why);

  // A terminated instance is gone for good; an instance another cluster file claims stays that
  // cluster's (one instance in two clusters would run every command twice).
  Nodes chosen, pool;
  std::vector<const Node*> elsewhere;
  for (const Node* n : a.nodes) {
    pool.push_back(*n);
    if (!n->cluster.empty() && n->cluster != name)
      elsewhere.push_back(n);
    else if (n->state != "terminated")
      chosen.push_back(*n);
  }
  if (!elsewhere.empty()) {
    std::set<std::string> clusters;
    for (const Node* n : elsewhere) clusters.insert(n->cluster);
    ctx.out().err(fmt::format("leaving out {} node{} of cluster{} {}: {}\n", elsewhere.size(),
                              elsewhere.size() == 1 ? "" : "s", clusters.size() == 1 ? "" : "s",
                              fmt::join(clusters, ", "), fold_names(ctx.labels(elsewhere))));
  }
  if (chosen.empty()) {
    ctx.out().err(fmt::format("no {} '{}' in {}; nothing written\n",
                              elsewhere.empty() ? "nodes match" : "other node matches", a.target,
                              ctx.region()));
    return 1;
  }
  std::vector<const Node*> shown;
  for (const auto& n : chosen) shown.push_back(&n);
  ctx.out().out(render_table({{"", shown}}, false, &ctx.nodes()));

  bool yes = a.has("--yes");
  if (!user_given) {
    // The user dust logs in with today (the ssh config's User, else config.yaml's default): the
    // cluster file's username wins over both, so offering anything else would lock dust out.
    std::vector<const Node*> first = {&chosen.front()};
    std::string current =
        ssh::login_user(ctx.sessions().endpoints(first).front(), ctx.sessions().pool().options());
    user = yes ? current : ctx.terminal().ask("ssh user for these nodes", current);
  }
  // A name typed at the question that cannot be one is asked again (empty: cancel).
  while (name.empty() && !yes) {
    name = ctx.terminal().ask("Cluster name", "");
    if (name.empty()) break;
    if (std::string why = cluster::new_cluster_name_problem(name); !why.empty()) {
      ctx.out().err(why + "\n");
      name.clear();
    }
  }
  if (name.empty()) throw Error(fmt::format("a cluster name is needed: {}", kUsage));

  std::string filter = cluster::assign_filter(a.target, chosen, !elsewhere.empty());
  if (filter != a.target)
    ctx.out().err(
        fmt::format("the cluster's filter lists their instance ids ('{}' also selects "
                    "another cluster's nodes)\n",
                    a.target));
  cluster::ClusterFile c = cluster::assign_cluster(name, ctx.region(), filter, chosen, user,
                                                   filter == a.target ? &pool : &chosen);
  std::string path = cluster::cluster_path(name);
  ctx.out().out(cluster::to_yaml(c));
  if (!ctx.terminal().confirm(fmt::format("Write cluster {} to {}?", name, path), yes)) {
    ctx.out().out("nothing written\n");
    return 1;
  }
  if (cluster::cluster_exists(name) &&
      !ctx.terminal().confirm(fmt::format("{} exists. Overwrite it?", path), yes)) {
    ctx.out().out("nothing written\n");
    return 1;
  }
  cluster::save_cluster(c);
  log::info("Wrote {} ({} nodes); use it with: use cluster {}", path, c.nodes.size(), name);
  return 0;
}

}  // namespace

void register_assign(CommandTable& t) {
  t.add({.name = "assign",
         .aliases = {},
         .usage = kUsage,
         .summary = "save the nodes a filter selects as a named cluster with friendly names",
         .help = "Nodes are named from their Name tag (selector tags=name:<v>), else node<i> "
                 "(selector id=<instance-id>); shared Name tags get unique names and id "
                 "selectors. Asks for the ssh user and (if not given) the cluster name, shows the "
                 "file, and confirms before writing or overwriting. With --yes: user from "
                 "config.yaml (or user=<u>), the name must be given.",
         .flags = {{"-y", "--yes", "do not ask; use defaults"}},
         .target = TargetKind::Required,
         .max_args = 2,
         .complete = {CompleteKind::Nodes},
         .run = run});
}

}  // namespace dust::shell
