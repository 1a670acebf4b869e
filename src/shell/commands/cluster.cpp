// cluster list|create|status|delete — cluster files by region; create and status are `load` and
// `status` under another name; delete removes a loaded cluster's stack and its cluster file.
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>

#include "cloud/cloudformation.h"
#include "cloud/ec2_api.h"
#include "cluster/cluster_file.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/commands/stack.h"
#include "shell/context.h"
#include "shell/node_table.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::shell {
namespace {

constexpr const char* kUsage =
    "cluster list | create <spec.yaml> [--yes] [--wait] | status [name] [--wait] | "
    "delete <name> [--yes]";

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

std::string timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The stack's instances that still count (not terminated), looked up in the stack's own region.
Nodes stack_instances(Context& ctx, const std::string& name, const std::string& region) {
  return ctx.ec2(region).describe_instances(
      {{"tag:aws:cloudformation:stack-name", {name}},
       {"instance-state-name", {"pending", "running", "stopping", "stopped"}}});
}

// Shows what goes, asks, deletes the stack, removes the cluster file and sets the template aside.
int remove(Context& ctx, const std::string& name, bool yes) {
  if (!cluster::valid_cluster_name(name))
    throw Error(fmt::format("'{}' is not a valid cluster name", name));
  std::optional<cluster::ClusterFile> file;
  if (cluster::cluster_exists(name)) {
    try {
      file = cluster::load_cluster(name);
    } catch (const Error& e) {
      log::warn("{} (looking for the stack in {})", e.what(), ctx.region());
    }
  }
  bool have_file = cluster::cluster_exists(name);
  std::string region = file ? file->region : ctx.region();
  std::optional<cloud::Stack> s = ctx.cfn(region).find_stack(name);
  bool live = s && s->status != "DELETE_COMPLETE";
  if (!live && !have_file)
    throw Error(fmt::format("no stack and no cluster file named '{}' in {}", name, region));

  if (live) {
    ctx.out().out(fmt::format("Stack {} in {} ({}) will be deleted with all its resources.\n", name,
                              region, s->status));
    Nodes nodes = stack_instances(ctx, name, region);
    std::vector<const Node*> shown;
    for (const auto& n : nodes) shown.push_back(&n);
    if (shown.empty())
      ctx.out().out("It has no instances left.\n");
    else
      ctx.out().out(fmt::format("Its {} instance{} will be terminated: {}\n{}", shown.size(),
                                shown.size() == 1 ? "" : "s", fold_names(display_names(shown)),
                                render_table({{"", shown}}, false)));
  } else {
    ctx.out().out(fmt::format("There is no stack named {} in {}; only the cluster file is left.\n",
                              name, region));
  }
  if (have_file)
    ctx.out().out(fmt::format("Cluster file {} will be removed.\n", cluster::cluster_path(name)));

  std::string question = live ? fmt::format("Delete stack {} and its cluster file?", name)
                              : fmt::format("Remove cluster file {}?", cluster::cluster_path(name));
  if (!ctx.terminal().confirm(question, yes)) {
    ctx.out().out("cancelled, nothing changed\n");
    return 1;
  }
  if (live) {
    ctx.cfn(region).delete_stack(name);
    ctx.out().out(fmt::format("Deleting stack {} in {} (follow with: status {} --wait)\n", name,
                              region, name));
  }
  if (have_file) {
    cluster::remove_cluster(name);
    ctx.out().out(fmt::format("Removed {}\n", cluster::cluster_path(name)));
  }
  // The template is the only record of what the stack was: keep it, under a name `load` will
  // not collide with when the cluster is created again.
  std::string tpl = stack::template_path(name);
  if (paths::exists(tpl)) {
    std::string backup = tpl + ".deleted-" + timestamp();
    if (std::rename(tpl.c_str(), backup.c_str()) == 0)
      ctx.out().out(fmt::format("Template kept as {}\n", backup));
    else
      log::warn("could not rename {} to {}: {}", tpl, backup, strerror(errno));
  }
  if (ctx.cluster_name() == name) ctx.set_region(region);  // its file is gone: back to the region
  ctx.invalidate();
  return 0;
}

// `cluster create` / `cluster status`: the same entry's handler with the subcommand word dropped.
int forward(Context& ctx, Args& a, const std::string& command) {
  Args rest = a;
  rest.words.erase(rest.words.begin());
  const Command* c = CommandTable::instance().find(command);
  if (!c) throw Error(fmt::format("{} is not available in this build", command));
  for (const auto& f : rest.flags) {
    bool known = false;
    for (const auto& declared : c->flags) known = known || declared.long_name == f;
    if (!known) throw UsageError(fmt::format("{}: unknown option '{}'", a.words[0], f));
  }
  // The forwarded row's argument counts hold here too (its handler relies on them).
  int n = static_cast<int>(rest.words.size());
  if (n < c->min_args || (c->max_args >= 0 && n > c->max_args))
    throw UsageError(
        fmt::format("{}: wrong number of arguments (usage: {})", a.words[0], c->usage));
  return c->run(ctx, rest);
}

int run(Context& ctx, Args& a) {
  const std::string sub = a.words.empty() ? "" : a.words[0];
  if (sub == "list" && a.words.size() == 1) return list(ctx);
  if (sub == "create") return forward(ctx, a, "load");
  if (sub == "status") return forward(ctx, a, "status");
  if (sub == "delete" && a.words.size() == 2) {
    if (a.has("--wait")) throw Error("cluster delete: --wait is for create and status");
    return remove(ctx, a.words[1], a.has("--yes"));
  }
  bool known = sub == "list" || sub == "delete";
  throw UsageError(sub.empty() ? std::string("a subcommand is required")
                   : known     ? fmt::format("wrong number of arguments for {}", sub)
                               : fmt::format("unknown subcommand '{}'", sub));
}

}  // namespace

void register_cluster(CommandTable& t) {
  t.add({.name = "cluster",
         .aliases = {},
         .usage = kUsage,
         .summary = "list, create, follow and delete clusters",
         .help = "list: cluster files by region. create: same as load. status: same as status. "
                 "delete: shows the stack and its instances, asks, deletes the stack, removes the "
                 "cluster file and keeps the saved template as <name>.json.deleted-<time>; "
                 "without a stack, offers to remove the cluster file alone.",
         .flags = {{"-y", "--yes", "do not ask"},
                   {"-w", "--wait", "create/status: follow until complete or failed"}},
         .target = TargetKind::None,
         .complete = {CompleteKind::Clusters},
         .run = run});
}

}  // namespace dust::shell
