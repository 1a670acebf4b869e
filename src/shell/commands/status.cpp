// status [name] [--wait] — a CloudFormation stack's events (oldest first, the seed's StackEvent
// lines) and its status; --wait follows it until it is complete or failed. Alias `cluster status`.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

#include "cloud/cloudformation.h"
#include "cloud/query.h"
#include "cluster/cluster_file.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/commands/stack.h"
#include "shell/context.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/log.h"

namespace dust::shell {
namespace {

constexpr const char* kUsage = "status [name] [--wait]";
constexpr auto kPollInterval = std::chrono::milliseconds(2000);

// A cluster made by `load` lives in its spec's region, which need not be the current one.
std::string region_of(Context& ctx, const std::string& name) {
  if (cluster::valid_cluster_name(name) && cluster::cluster_exists(name)) {
    try {
      return cluster::load_cluster(name).region;
    } catch (const Error& e) {
      log::warn("{}", e.what());
    }
  }
  return ctx.region();
}

std::string status_line(const cloud::Stack& s) {
  return s.status_reason.empty()
             ? fmt::format("Stack {} {}\n", s.name, s.status)
             : fmt::format("Stack {} {} {}\n", s.name, s.status, s.status_reason);
}

class Follower {
 public:
  Follower(Context& ctx, cloud::CloudFormationApi& cfn) : ctx_(ctx), cfn_(cfn) {}

  // Prints the events not printed yet. false if the stack is gone (deleted by name).
  bool print_new(const std::string& stack) {
    std::vector<cloud::StackEvent> events;
    try {
      events = cfn_.describe_stack_events(stack);
    } catch (const cloud::AwsError& e) {
      if (e.code == "ValidationError" &&
          std::string_view(e.what()).find("does not exist") != std::string_view::npos)
        return false;
      throw;
    }
    for (const auto& e : events) {
      std::string key = e.event_id.empty() ? e.timestamp + e.logical_id + e.status : e.event_id;
      if (seen_.insert(key).second) ctx_.out().out(stack::event_line(e));
    }
    return true;
  }

 private:
  Context& ctx_;
  cloud::CloudFormationApi& cfn_;
  std::set<std::string> seen_;
};

// Sleeps for the poll interval unless Ctrl-C comes first; false if it did.
bool pause(Context& ctx) {
  auto until = std::chrono::steady_clock::now() + kPollInterval;
  while (!interrupt::pending()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    ctx.loop().run_once(left);
  }
  return false;
}

int show_one(Context& ctx, const std::string& name, const std::string& region, bool wait) {
  log::info("Connecting to cloud formation endpoint in {}", region);
  cloud::CloudFormationApi& cfn = ctx.cfn(region);
  std::optional<cloud::Stack> s = cfn.find_stack(name);
  if (!s || s->status == "DELETE_COMPLETE")
    throw Error(fmt::format("no stack named '{}' in {}", name, region));
  // After the first look, follow the stack by id: a deleted stack is only found by its id.
  const std::string ref = s->id.empty() ? name : s->id;
  Follower f(ctx, cfn);
  f.print_new(ref);
  interrupt::reset();
  std::string last_status;
  while (wait && !stack::is_final(s->status)) {
    if (s->status != last_status)
      ctx.out().out(fmt::format("waiting for stack {}: {} (Ctrl-C stops waiting)\n", name,
                                last_status = s->status));
    if (!pause(ctx)) {
      interrupt::reset();
      ctx.out().out(status_line(*s));
      ctx.out().err(
          fmt::format("stopped waiting; the stack carries on (status {} to look again)\n", name));
      return 130;
    }
    s = cfn.find_stack(ref);
    if (!s || !f.print_new(ref)) {
      ctx.out().out(fmt::format("Stack {} no longer exists\n", name));
      return 0;
    }
  }
  ctx.out().out(status_line(*s));
  return stack::is_failure(s->status) ? 1 : 0;
}

// Stacks of the current region that dust made: tagged by `load`, or with a template saved.
int show_all(Context& ctx, bool wait) {
  const std::string& region = ctx.region();
  std::vector<std::string> names;
  size_t others = 0;
  for (const auto& s : ctx.cfn(region).describe_stacks()) {
    if (s.status == "DELETE_COMPLETE") continue;
    bool tagged = false;
    for (const auto& [k, v] : s.tags) tagged = tagged || k == "dust:cluster";
    if (tagged || paths::exists(stack::template_path(s.name)))
      names.push_back(s.name);
    else
      ++others;
  }
  if (names.empty()) {
    ctx.out().out(fmt::format("no dust stacks in {}{}\n", region,
                              others ? fmt::format(" ({} other stack{}; status <name> shows one)",
                                                   others, others == 1 ? "" : "s")
                                     : ""));
    return 0;
  }
  int rc = 0;
  for (const auto& n : names) {
    int r = show_one(ctx, n, region, wait);
    if (r == 130) return r;
    rc = std::max(rc, r);
  }
  return rc;
}

int run(Context& ctx, Args& a) {
  bool wait = a.has("--wait");
  if (a.words.empty()) return show_all(ctx, wait);
  const std::string& name = a.words[0];
  return show_one(ctx, name, region_of(ctx, name), wait);
}

}  // namespace

void register_status(CommandTable& t) {
  t.add({.name = "status",
         .aliases = {},
         .usage = kUsage,
         .summary = "CloudFormation events and status of a cluster made by load",
         .help = "Prints the stack's events oldest first (StackEvent <ResourceType> <LogicalId> "
                 "<Status> [reason]) and then its status, in the region of its cluster file. "
                 "Without a name: every stack of the region that dust made. --wait follows the "
                 "stack until it is complete or failed (Ctrl-C stops waiting). Exit status 1 when "
                 "the stack failed or rolled back.",
         .flags = {{"-w", "--wait", "follow until the stack is complete or failed"}},
         .target = TargetKind::None,
         .max_args = 1,
         .complete = {CompleteKind::Clusters},
         .run = run});
}

}  // namespace dust::shell
