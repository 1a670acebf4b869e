// secgroup [target|cluster|sg-id] — security groups of nodes and their ingress rules;
// secgroup allow|revoke <group|cluster> <proto> <port[-port]> <cidr|myip|sg-id> — change ingress.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "cloud/ec2.h"
#include "cluster/cluster_file.h"
#include "cluster/resolve.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/node_table.h"
#include "shell/secgroup_rule.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/log.h"
#include "util/sanitise.h"
#include "util/source_addr.h"

namespace dust::shell {
namespace {

bool is_group_id(const std::string& s) { return s.size() > 3 && s.compare(0, 3, "sg-") == 0; }

// Nodes of cluster `name` when such a cluster file exists (resolved against this region's
// instances); nullopt when `name` is not a cluster, so the caller treats it as a target or group.
std::optional<Nodes> cluster_nodes(Context& ctx, const std::string& name) {
  if (!cluster::valid_cluster_name(name) || !cluster::cluster_exists(name)) return std::nullopt;
  cluster::ClusterFile c = cluster::load_cluster(name);
  if (!c.region.empty() && c.region != ctx.region())
    throw Error(fmt::format("cluster '{}' is in {}, the working set is {} (use region {} first)",
                            name, c.region, ctx.region(), c.region));
  Nodes out;
  for (Node& n : cluster::resolve(c, ctx.nodes()).nodes)
    if (!n.id.empty()) out.push_back(std::move(n));
  return out;
}

// Group ids in order of first use, with the display names of the nodes using each.
struct Usage {
  std::vector<std::string> ids;
  std::map<std::string, std::vector<std::string>> users;
};

Usage usage_of(Context& ctx, const std::vector<const Node*>& nodes) {
  Usage u;
  auto names = ctx.labels(nodes);
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& g : nodes[i]->groups) {
      if (!u.users.count(g)) u.ids.push_back(g);
      u.users[g].push_back(names[i].empty() ? nodes[i]->id : names[i]);
    }
  return u;
}

void print_group(Context& ctx, const cloud::SecurityGroup& g,
                 const std::vector<std::string>& users) {
  if (ctx.json()) {
    nlohmann::json j{{"id", g.id}, {"name", g.name}, {"vpc", g.vpc}, {"nodes", users}};
    j["ingress"] = nlohmann::json::array();
    for (const auto& r : g.ingress)
      j["ingress"].push_back({{"proto", protocol_label(r)},
                              {"from", r.from_port},
                              {"to", r.to_port},
                              {"cidrs", r.cidrs},
                              {"ipv6_cidrs", r.ipv6_cidrs},
                              {"groups", r.source_groups}});
    ctx.out().out(j.dump() + "\n");
    return;
  }
  std::string s =
      fmt::format("{}  {}  {}  nodes: {}\n", g.id, util::escape_controls(g.name),
                  g.vpc.empty() ? "(no vpc)" : g.vpc, users.empty() ? "-" : fold_names(users));
  if (g.ingress.empty())
    s += "  (no ingress rules)\n";
  else
    s += fmt::format("  {:<6} {:<12} {}\n", "proto", "ports", "sources");
  for (const auto& r : g.ingress)
    s += fmt::format("  {:<6} {:<12} {}\n", protocol_label(r), ports_label(r), sources_label(r));
  ctx.out().out(s);
}

// `secgroup [target]` shows the nodes the dispatcher resolved; `secgroup <cluster|sg-id>` names
// no nodes (the row's target_at leaves them positional).
int show(Context& ctx, const Args& a) {
  const std::string what = a.words.empty() ? a.target : a.words[0];
  if (is_group_id(what)) {  // one group, with whichever nodes of the working set use it
    auto groups = ctx.ec2().describe_security_groups({what});
    std::vector<const Node*> all;
    for (const Node& n : ctx.nodes()) all.push_back(&n);
    Usage u = usage_of(ctx, all);
    for (const auto& g : groups) print_group(ctx, g, u.users[g.id]);
    return 0;
  }
  std::optional<Nodes> owned = a.words.empty() ? std::nullopt : cluster_nodes(ctx, what);
  std::vector<const Node*> nodes = a.nodes;
  if (owned) {
    nodes.clear();
    for (const Node& n : *owned) nodes.push_back(&n);
  }
  if (nodes.empty()) {
    ctx.out().err(what.empty() ? fmt::format("no nodes in {}\n", ctx.region())
                               : fmt::format("no nodes match '{}'\n", what));
    return what.empty() ? 0 : 1;
  }
  Usage u = usage_of(ctx, nodes);
  if (u.ids.empty()) {
    ctx.out().out(fmt::format("no security groups on {}\n", fold_names(ctx.labels(nodes))));
    return 0;
  }
  auto groups = ctx.ec2().describe_security_groups(u.ids);
  // The API answers in its own order; print in the nodes' order of first use.
  std::stable_sort(groups.begin(), groups.end(), [&](const auto& a, const auto& b) {
    return std::find(u.ids.begin(), u.ids.end(), a.id) <
           std::find(u.ids.begin(), u.ids.end(), b.id);
  });
  for (const auto& g : groups) print_group(ctx, g, u.users[g.id]);
  return 0;
}

// The groups a rule change applies to: an id, a cluster (every group its nodes use), or a name.
std::vector<cloud::SecurityGroup> resolve_groups(Context& ctx, const std::string& which) {
  if (is_group_id(which)) return ctx.ec2().describe_security_groups({which});
  if (std::optional<Nodes> owned = cluster_nodes(ctx, which)) {
    std::vector<const Node*> nodes;
    for (const Node& n : *owned) nodes.push_back(&n);
    Usage u = usage_of(ctx, nodes);
    if (u.ids.empty())
      throw Error(fmt::format("cluster '{}' has no running nodes with security groups", which));
    return ctx.ec2().describe_security_groups(u.ids);
  }
  auto groups = ctx.ec2().describe_security_groups({}, {{"group-name", {which}}});
  if (groups.empty())
    throw Error(fmt::format(
        "no security group, cluster or group id '{}' in {} (secgroup lists the groups in use)",
        which, ctx.region()));
  if (groups.size() > 1) {
    std::string list;
    for (const auto& g : groups)
      list += fmt::format("\n  {} ({})", g.id, g.vpc.empty() ? "no vpc" : g.vpc);
    throw Error(
        fmt::format("'{}' names {} groups; give the group id:{}", which, groups.size(), list));
  }
  return groups;
}

// `myip`: the address this machine uses towards the EC2 endpoint, from the routing table only.
std::string my_ip(Context& ctx) {
  std::string host = util::url_host(ctx.ec2().endpoint());
  std::string err;
  std::string addr = util::source_address_towards(host, &err);
  if (addr.empty())
    throw Error(
        fmt::format("cannot determine myip ({}); give the address or CIDR explicitly", err));
  std::string cidr = addr + (addr.find(':') == std::string::npos ? "/32" : "/128");
  ctx.out().out(fmt::format("myip: {} (this machine's source address towards {})\n", cidr, host));
  if (util::is_private_address(addr) && !util::is_private_address(host))
    log::warn(
        "{} is a private address: behind NAT, AWS sees another one; give your public address "
        "explicitly",
        addr);
  return cidr;
}

int change(Context& ctx, Args& a) {
  bool allow = a.words[0] == "allow";
  if (a.words.size() != 5)
    throw UsageError(fmt::format("{} takes <group|cluster> <proto> <port[-port]> <cidr|myip|sg-id>",
                                 a.words[0]));
  const std::string &which = a.words[1], &proto = a.words[2], &ports = a.words[3];
  // Validate everything the user typed before any API call: a typo changes nothing.
  cloud::IpPermission rule =
      parse_rule(proto, ports, a.words[4] == "myip" ? "0.0.0.0/0" : a.words[4]);
  auto groups = resolve_groups(ctx, which);
  if (a.words[4] == "myip") rule = parse_rule(proto, ports, my_ip(ctx));

  std::string what =
      fmt::format("{} {} from {}", protocol_label(rule), ports_label(rule), sources_label(rule));
  std::string on;
  for (const auto& g : groups)
    on += fmt::format("{}{} ({})", on.empty() ? "" : ", ", g.id, util::escape_controls(g.name));
  // A VPC's default group is every instance's that was given none: opening it opens them all.
  bool any_default = std::any_of(groups.begin(), groups.end(),
                                 [](const cloud::SecurityGroup& g) { return g.name == "default"; });
  std::string question =
      allow ? fmt::format(
                  "allow {} on {}? It is a VPC's default group: every instance launched "
                  "without a group of its own is in it",
                  what, on)
            : fmt::format("revoke {} on {}?", what, on);
  if ((!allow || any_default) && !ctx.terminal().confirm(question, a.has("--yes"))) {
    ctx.out().out("cancelled, nothing changed\n");
    return 1;
  }
  int failed = 0;
  for (const auto& g : groups) {
    try {
      if (allow)
        ctx.ec2().authorize_ingress(g.id, rule);
      else
        ctx.ec2().revoke_ingress(g.id, rule);
      ctx.out().out(fmt::format("{} {} on {} ({})\n", allow ? "allowed" : "revoked", what, g.id,
                                util::escape_controls(g.name)));
    } catch (const cloud::AwsError& e) {
      std::string hint = e.code == "InvalidPermission.Duplicate" ? " (the rule is already there)"
                         : e.code == "InvalidPermission.NotFound"
                             ? " (no such rule; secgroup shows the rules)"
                             : "";
      ctx.out().err(fmt::format("secgroup {}: {} ({}): {}{}\n", a.words[0], g.id,
                                util::escape_controls(g.name), e.what(), hint));
      ++failed;
    }
  }
  return failed ? 1 : 0;
}

// The first word is a target unless it is a subcommand, a group id or a cluster's name (those stay
// positional and are handled here).
int target_at(Context&, const std::vector<std::string>& w) {
  if (w.empty()) return 0;
  const std::string& first = w[0];
  if (first == "allow" || first == "revoke" || is_group_id(first)) return kNoTarget;
  if (cluster::valid_cluster_name(first) && cluster::cluster_exists(first)) return kNoTarget;
  return 0;
}

int run(Context& ctx, Args& a) {
  if (!a.words.empty() && (a.words[0] == "allow" || a.words[0] == "revoke")) return change(ctx, a);
  if (a.words.size() > (a.target.empty() ? 1u : 0u))
    throw UsageError(fmt::format("unexpected argument '{}'", a.words.back()));
  return show(ctx, a);
}

}  // namespace

void register_secgroup(CommandTable& t) {
  t.add(
      {.name = "secgroup",
       .usage = "secgroup [target] | allow|revoke …",
       .summary = "show security groups and ingress rules of nodes; allow or revoke ingress",
       .help =
           "secgroup [target|cluster|sg-id]   groups of the nodes: id, name, vpc, nodes using it, "
           "rules\n"
           "secgroup allow <group> <proto> <port[-port]> <source>\n"
           "secgroup revoke <group> <proto> <port[-port]> <source>   (asks first; --yes skips)\n"
           "  group:  sg-… id, a cluster name (every group its nodes use) or a group name\n"
           "  proto:  tcp, udp, icmp or all;  ports: 22, 8000-8100, all (icmp: a type or all)\n"
           "  source: a CIDR (10.0.0.0/8), an address (/32), an sg-… id, or myip — this machine's\n"
           "          source address towards the EC2 endpoint, found locally (no outside service)",
       .flags = {{"-y", "--yes", "do not ask before revoking"}},
       .target = TargetKind::Optional,
       .max_args = 5,
       .target_at = target_at,
       .complete = {CompleteKind::Nodes},
       .run = run});
}

}  // namespace dust::shell
