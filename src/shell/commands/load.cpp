// load <spec.yaml> [--yes] [--wait] — create a cluster from a spec: CloudFormation template printed
// for review, validated, confirmed, created in the spec's region; template and cluster file saved.
// Alias `cluster create <spec>`.
#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "cloud/cloudformation.h"
#include "cloud/query.h"
#include "cluster/cluster_file.h"
#include "cluster/spec.h"
#include "cluster/template.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/commands/stack.h"
#include "shell/context.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::shell {
namespace {

constexpr const char* kUsage = "load <spec.yaml> [--yes] [--wait]";

// Refuses before anything is created: a cluster file or a live stack of that name.
void check_free(Context& ctx, const cluster::Spec& spec) {
  if (std::string why = cluster::new_cluster_name_problem(spec.name); !why.empty())
    throw Error(fmt::format("{}: cluster.name: {}; nothing created", spec.path, why));
  if (cluster::cluster_exists(spec.name))
    throw Error(
        fmt::format("a cluster named '{}' exists already ({}); nothing created "
                    "(cluster delete {} removes it)",
                    spec.name, cluster::cluster_path(spec.name), spec.name));
  std::optional<cloud::Stack> s = ctx.cfn(spec.region).find_stack(spec.name);
  if (s && s->status != "DELETE_COMPLETE")
    throw Error(fmt::format("a stack named '{}' exists already in {} ({}); nothing created",
                            spec.name, spec.region, s->status));
}

void save_template(const std::string& name, const std::string& body) {
  paths::ensure_dust_home();
  std::string dir = stack::templates_dir();
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw Error(fmt::format("cannot create {}: {}", dir, strerror(errno)));
  util::write_file_atomic(stack::template_path(name), body);
}

int run(Context& ctx, Args& a) {
  std::string path = ctx.local_path(a.words[0]);
  cluster::Spec spec = cluster::read_spec(path);
  if (spec.ssh_cidr_defaulted)
    log::warn("{}: no cluster.ssh_cidr: ssh (port 22) will be open to the world (0.0.0.0/0)", path);
  check_free(ctx, spec);

  std::string body = cluster::template_body(spec);
  ctx.out().out(body + "\n");
  log::info("Validating the template with CloudFormation in {}", spec.region);
  try {
    ctx.cfn(spec.region).validate_template(body);
  } catch (const cloud::AwsError& e) {
    throw Error(
        fmt::format("ValidateTemplate refused the template: {}; nothing created", e.what()));
  }

  size_t count = cluster::expand(spec).size();
  if (!ctx.terminal().confirm(fmt::format("Create stack {} in {} ({} instance{})?", spec.name,
                                          spec.region, count, count == 1 ? "" : "s"),
                              a.has("--yes"))) {
    ctx.out().out("cancelled, nothing created\n");
    return 1;
  }
  std::string id;
  try {
    // The tag marks the stack as dust's, so `status` without a name finds it.
    id = ctx.cfn(spec.region).create_stack(spec.name, body, {{"dust:cluster", spec.name}});
  } catch (const cloud::AwsError& e) {
    // AWS creates asynchronously, so an error here normally means no stack; but a stand-in
    // (moto) may fail half-way and leave one behind: say so rather than "nothing created".
    std::optional<cloud::Stack> left;
    try {
      left = ctx.cfn(spec.region).find_stack(spec.name);
    } catch (const Error&) {
    }
    if (!left || left->status == "DELETE_COMPLETE")
      throw Error(fmt::format("CreateStack {} failed: {}; nothing created", spec.name, e.what()));
    throw Error(
        fmt::format("CreateStack {} failed: {}; the stack was left in {} (status {}; "
                    "remove it with: cluster delete {})",
                    spec.name, e.what(), left->status, spec.name, spec.name));
  }
  ctx.out().out(fmt::format("Creating stack {} in {}: {}\n", spec.name, spec.region, id));

  // The stack exists now: a failure to save must say so, or the user would load again.
  try {
    save_template(spec.name, body);
    cluster::save_cluster(cluster::cluster_file_for(spec));
  } catch (const Error& e) {
    throw Error(fmt::format("stack {} was created, but saving failed: {}", spec.name, e.what()));
  }
  ctx.invalidate();
  ctx.out().out(fmt::format("Saved {} and {}\n", stack::template_path(spec.name),
                            cluster::cluster_path(spec.name)));
  if (!a.has("--wait")) {
    ctx.out().out(fmt::format("Follow the creation with: status {} --wait\nThen: use {}\n",
                              spec.name, spec.name));
    return 0;
  }
  Args follow;
  follow.words = {spec.name};
  follow.flags = {"--wait"};
  int rc = CommandTable::instance().find("status")->run(ctx, follow);
  if (rc == 0) ctx.out().out(fmt::format("Then: use {}\n", spec.name));
  return rc;
}

}  // namespace

void register_load(CommandTable& t) {
  t.add({.name = "load",
         .aliases = {},
         .usage = kUsage,
         .summary = "create a cluster from a YAML spec with CloudFormation",
         .help = "Reads and validates the spec (errors name the file, line and key), prints the "
                 "CloudFormation template, validates it with CloudFormation, asks, and creates the "
                 "stack (named after the cluster, in the spec's region). Saves the template in "
                 "$DUST_HOME/templates/<name>.json and the cluster file, so `status <name>` and "
                 "`use <name>` work. Same as `cluster create <spec>`.",
         .flags = {{"-y", "--yes", "do not ask"},
                   {"-w", "--wait", "follow the stack until it is complete or failed"}},
         .target = TargetKind::None,
         .min_args = 1,
         .max_args = 1,
         .complete = {CompleteKind::Files},
         .run = run});
}

}  // namespace dust::shell
