// The state-change flow of start/stop/terminate.
#include "shell/power.h"

#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "cloud/ec2.h"
#include "select/target.h"
#include "shell/context.h"
#include "shell/node_table.h"
#include "shell/sessions.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/interrupt.h"

namespace dust::shell {
namespace {

const char* verb(PowerAction a) {
  switch (a) {
    case PowerAction::Start:
      return "start";
    case PowerAction::Stop:
      return "stop";
    case PowerAction::Terminate:
      return "terminate";
  }
  return "";
}

const char* final_state(PowerAction a) {
  switch (a) {
    case PowerAction::Start:
      return "running";
    case PowerAction::Stop:
      return "stopped";
    case PowerAction::Terminate:
      return "terminated";
  }
  return "";
}

int wait_for(Context& ctx, const std::vector<std::string>& ids, const std::string& state) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  interrupt::reset();
  for (;;) {
    ctx.invalidate();
    size_t done = 0;
    for (const Node& n : ctx.nodes())
      for (const auto& id : ids)
        if (n.id == id && n.state == state) ++done;
    ctx.out().out(fmt::format("waiting: {}/{} {}\n", done, ids.size(), state));
    if (done == ids.size()) return 0;
    if (interrupt::pending()) throw Error("wait interrupted");
    if (std::chrono::steady_clock::now() > deadline)
      throw Error(fmt::format("timed out waiting for {} nodes to be {}", ids.size() - done, state));
    ctx.loop().run_once(std::chrono::milliseconds(2000));
  }
}

// True when host:port accepts a TCP connection within timeout_ms.
bool port_open(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res)
    return false;
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = false;
  if (fd >= 0) {
    if (connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
      ok = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      ok = poll(&p, 1, timeout_ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
           err == 0;
    }
    close(fd);
  }
  freeaddrinfo(res);
  return ok;
}

// After `start --wait`: the nodes are running, now wait until their ssh port answers.
int wait_for_ssh(Context& ctx, const std::vector<std::string>& ids) {
  std::vector<const Node*> nodes;
  for (const Node& n : ctx.nodes())
    for (const auto& id : ids)
      if (n.id == id) nodes.push_back(&n);
  auto eps = ctx.sessions().endpoints(nodes);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  std::vector<bool> up(eps.size(), false);
  for (;;) {
    size_t done = 0;
    for (size_t i = 0; i < eps.size(); ++i) {
      if (!up[i] && !eps[i].host.empty())
        up[i] = port_open(eps[i].host, eps[i].port ? eps[i].port : 22, 1000);
      done += up[i];
    }
    ctx.out().out(fmt::format("waiting for ssh: {}/{} answering\n", done, eps.size()));
    if (done == eps.size()) return 0;
    if (interrupt::pending()) throw Error("wait interrupted");
    if (std::chrono::steady_clock::now() > deadline) {
      std::vector<std::string> missing;
      for (size_t i = 0; i < eps.size(); ++i)
        if (!up[i]) missing.push_back(eps[i].node_label);
      throw Error(fmt::format("ssh did not answer on {}", fold_names(missing)));
    }
    ctx.loop().run_once(std::chrono::milliseconds(2000));
  }
}

// Nodes an action can apply to: start only stopped ones (a targetless start must not offer the
// terminated ones), nothing acts on terminated nodes, and absent cluster nodes have no instance.
bool applies(PowerAction action, const Node& n) {
  if (n.id.empty() || n.state == "terminated") return false;
  if (action == PowerAction::Start) return n.state == "stopped";
  // Stopping one already stopped (or stopping) would only lengthen the list asked about.
  if (action == PowerAction::Stop) return n.state == "running" || n.state == "pending";
  return true;
}

}  // namespace

int change_power(Context& ctx, Args& a, PowerAction action) {
  // In a script or one-shot, a terminate with no target would end every instance of the region:
  // the whole working set has to be asked for by name.
  if (action == PowerAction::Terminate && a.target.empty() && !ctx.interactive())
    throw UsageError("give a target (use '*' for every node of the working set)");
  std::vector<const Node*> nodes;
  for (const Node* n : a.nodes)
    if (applies(action, *n)) nodes.push_back(n);
  if (nodes.empty()) {
    if (action != PowerAction::Terminate && !a.nodes.empty()) {
      const char* state = action == PowerAction::Start ? "stopped" : "running";
      ctx.out().out(a.target.empty() ? fmt::format("no {} nodes to {}\n", state, verb(action))
                                     : fmt::format("no {} node matches '{}'\n", state, a.target));
      return 0;
    }
    ctx.out().err(a.target.empty() ? fmt::format("no nodes in {}\n", ctx.region())
                                   : fmt::format("no nodes match '{}'\n", a.target));
    return 1;
  }
  // Starting is harmless (only stopped nodes are started); stop and terminate without a target
  // and every terminate ask first.
  bool ask = action == PowerAction::Terminate || (a.target.empty() && action != PowerAction::Start);
  if (ask || nodes.size() > 1) ctx.out().out(render_table({{"", nodes}}, false, &ctx.nodes()));
  std::vector<std::string> names = ctx.labels(nodes);  // unnamed nodes by id: none is dropped
  if (ask &&
      !ctx.terminal().confirm(fmt::format("{} {} node{}: {}. Continue", verb(action), nodes.size(),
                                          nodes.size() == 1 ? "" : "s", fold_names(names)),
                              a.has("--yes"))) {
    ctx.out().out("cancelled, nothing changed\n");
    return 1;
  }
  std::vector<std::string> ids;
  std::map<std::string, std::string> label;
  for (size_t i = 0; i < nodes.size(); ++i) {
    ids.push_back(nodes[i]->id);
    label[nodes[i]->id] = names[i];
  }
  std::vector<cloud::StateChange> changes;
  switch (action) {
    case PowerAction::Start:
      changes = ctx.ec2().start_instances(ids);
      break;
    case PowerAction::Stop:
      changes = ctx.ec2().stop_instances(ids);
      break;
    case PowerAction::Terminate:
      changes = ctx.ec2().terminate_instances(ids);
      break;
  }
  ctx.invalidate();
  for (const auto& c : changes) {
    std::string who = label.count(c.id) ? label[c.id] : c.id;
    if (ctx.json()) {
      nlohmann::json j{{"name", who == c.id ? "" : who},
                       {"id", c.id},
                       {"previous", c.previous},
                       {"current", c.current}};
      ctx.out().out(j.dump() + "\n");
      continue;
    }
    // A label that already carries the id (web(i-…), or an unnamed node's id) is not repeated.
    std::string id = who.find(c.id) != std::string::npos ? "" : fmt::format(" ({})", c.id);
    ctx.out().out(fmt::format("{}{}: {} -> {}\n", who, id, c.previous, c.current));
  }
  if (!a.has("--wait")) return 0;
  int rc = wait_for(ctx, ids, final_state(action));
  if (rc == 0 && action == PowerAction::Start) rc = wait_for_ssh(ctx, ids);
  return rc;
  return 0;
}

Command power_command(const char* name, const char* summary, PowerAction action) {
  return {.name = name,
          .usage = std::string(name) + " [--wait] [-y] [target]",
          .summary = summary,
          .flags = {{"-w", "--wait",
                     action == PowerAction::Start ? "wait for the new state and for ssh to answer"
                                                  : "wait until the nodes reach their new state"},
                    {"-y", "--yes", "do not ask for confirmation"}},
          .target = TargetKind::Optional,
          .acts = true,
          .max_args = 0,
          .complete = {CompleteKind::Nodes},
          .run = [action](Context& ctx, Args& a) { return change_power(ctx, a, action); }};
}

}  // namespace dust::shell
