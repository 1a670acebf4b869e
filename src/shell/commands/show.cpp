// show [-v] [target] — the node table of the working set.
#include "shell/commands/show.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "select/target.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/node_table.h"
#include "shell/sessions.h"
#include "util/error.h"
#include "util/log.h"

namespace dust::shell {

namespace {

// "Unassigned:" then one group per cluster, as the original printed them. Cluster view: one group.
std::vector<NodeGroup> group_by_cluster(Context& ctx, const std::vector<const Node*>& nodes) {
  if (ctx.cluster()) return {{ctx.cluster_name() + ":", nodes}};
  std::vector<NodeGroup> groups{{"Unassigned:", {}}};
  for (const Node* n : nodes) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const NodeGroup& g) { return g.title == n->cluster + ":"; });
    if (n->cluster.empty()) it = groups.begin();
    if (it == groups.end()) it = groups.insert(groups.end(), NodeGroup{n->cluster + ":", {}});
    it->nodes.push_back(n);
  }
  if (groups.size() == 1) groups[0].title.clear();  // no clusters here: a plain table
  if (groups[0].nodes.empty()) groups.erase(groups.begin());
  return groups;
}

// `show :failed` (any target naming :failed or :ok): why each node failed, from the last command.
std::unique_ptr<std::map<std::string, std::string>> last_column(Context& ctx, const Args& a) {
  const auto* last = ctx.sessions().last_command();
  if (!last || !a.parsed || a.parsed->sets().empty()) return nullptr;
  auto col = std::make_unique<std::map<std::string, std::string>>();
  for (const Outcome& o : *last) (*col)[o.key] = o.ok ? "ok" : o.why;
  return col;
}

}  // namespace

int show_nodes(Context& ctx, const Args& a, bool verbose) {
  if (ctx.json()) {
    for (const Node* n : a.nodes) {
      nlohmann::json j;
      for (const auto& key : {"name", "id", "state", "type", "image", "key", "ip", "int_ip", "dns",
                              "private_dns", "vpc", "subnet", "az", "launch_time", "cluster"}) {
        std::string v;
        if (select::property(*n, key, &v)) j[key] = v;
      }
      nlohmann::json tags = nlohmann::json::object();
      for (const auto& [k, v] : n->tags) tags[k] = v;
      j["tags"] = tags;
      ctx.out().out(j.dump() + "\n");
    }
    return 0;
  }
  if (a.nodes.empty()) {
    ctx.out().out(a.target.empty() ? fmt::format("no nodes in {}\n", ctx.region())
                                   : fmt::format("no nodes match '{}'\n", a.target));
    return a.target.empty() ? 0 : 1;
  }
  ctx.out().out(render_table(group_by_cluster(ctx, a.nodes), verbose, &ctx.nodes(),
                             last_column(ctx, a).get()));
  if (ctx.cluster() && a.target.empty() && !ctx.strays().empty()) {
    std::vector<const Node*> strays;
    for (const Node& n : ctx.strays()) strays.push_back(&n);
    ctx.out().out(fmt::format("\nnot in the cluster file ({} of the cluster's filter '{}'):\n{}",
                              strays.size(), ctx.cluster()->filter,
                              render_table({{"", strays}}, false, &ctx.nodes())));
  }
  return 0;
}

namespace {
int run(Context& ctx, Args& a) { return show_nodes(ctx, a, a.has("--verbose")); }
}  // namespace

void register_show(CommandTable& t) {
  t.add({.name = "show",
         .usage = "show [-v] [target]",
         .summary = "list nodes: Name Instance State ID ext_IP int_IP",
         .help =
             "With -v (or showex) each node gets detail lines: image, hostname, key, DNS, tags,\n"
             "launch_time, vpc:subnet, groups.",
         .flags = {{"-v", "--verbose", "add detail lines (same as showex)"}},
         .target = TargetKind::Optional,
         .max_args = 0,
         .complete = {CompleteKind::Nodes},
         .run = run});
}

}  // namespace dust::shell
