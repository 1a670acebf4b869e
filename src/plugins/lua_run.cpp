// dust.run(target, command [, {timeout=seconds}]) for drop-in commands: the line goes through the
// persistent ssh sessions (the same ones as `@`) of the nodes whose shell is idle, and the call
// waits for every node, collecting its output lines and exit code instead of printing them.
#include <fmt/format.h>
#include <poll.h>
#include <readline/readline.h>
#include <unistd.h>

#include <chrono>
#include <map>

#include "plugins/lua_host.h"
#include "shell/context.h"
#include "shell/sessions.h"
#include "util/error.h"
#include "util/interrupt.h"

namespace dust::plugins {
namespace {

// Collects the output of one dust.run while it waits: registered on the output path for its nodes
// and the call's lifetime, so later (background) output of those nodes is printed as `@` prints it.
class Collector : public ssh::Observer {
 public:
  std::map<std::string, std::vector<std::string>> lines;  // by Endpoint::key
  std::map<std::string, std::string> errors;

  bool on_event(const ssh::NodeEvent& e) override {
    switch (e.kind) {
      case ssh::NodeEvent::Kind::Line:
      case ssh::NodeEvent::Kind::Partial:
        lines[e.node.key].emplace_back(e.text);
        return true;
      case ssh::NodeEvent::Kind::Error:
        errors[e.node.key] = std::string(e.text);
        return true;
      default:
        return false;  // notices (reconnecting, session closed) are still shown
    }
  }
};

struct NodeOutcome {
  std::string node;
  std::string state = "running";
  int status = -1;
  bool finished = false;
  bool busy = false;
  std::string error;
  std::vector<std::string> lines;
};

std::vector<NodeOutcome> run_and_wait(shell::Context& ctx, const std::string& target,
                                      const std::string& command, double timeout_s) {
  std::vector<const Node*> running, stopped;
  for (const Node* n : ctx.select(target)) (n->state == "running" ? running : stopped).push_back(n);
  std::vector<NodeOutcome> out;
  std::vector<std::string> names =
      ctx.labels(stopped);  // web(i-…) when a name is shared, as `@` says
  for (size_t i = 0; i < stopped.size(); ++i) {
    NodeOutcome o;
    o.node = names[i];
    o.state = stopped[i]->state;
    o.error = "not running (" + stopped[i]->state + ")";
    out.push_back(std::move(o));
  }
  if (running.empty()) return out;
  shell::Sessions& sessions = ctx.sessions();
  auto eps = sessions.endpoints(running);
  Collector c;
  ssh::Pool::Subscription collecting = sessions.observe(eps, c);
  // While we wait, keystrokes must not start another command line (the REPL reads stdin from the
  // same loop); they stay buffered and are read once the call returns.
  shell::Terminal::Hold tty = ctx.terminal().hold();
  // Only idle shells get the command: a node still running something (a program waiting for input,
  // a user's long job) is reported busy instead of having the command typed into it.
  auto job = sessions.run(eps, command, {{.mode = ssh::Send::IdleOnly}});
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  int interrupts = interrupt::count();
  ctx.loop().run_until(
      [&] {
        if (interrupt::count() > interrupts) return true;
        return job->done() || (timeout_s > 0 && std::chrono::steady_clock::now() > deadline);
      },
      std::chrono::milliseconds(100));
  bool interrupted = interrupt::count() > interrupts;
  // Do not leave our command running on the nodes; only ours: other jobs on these nodes go on.
  if (!job->done()) sessions.pool().interrupt(*job);
  for (size_t i = 0; i < job->results().size(); ++i) {
    const auto& r = job->results()[i];
    const std::string& key = eps[i].key;
    NodeOutcome o;
    o.node = r.node;
    o.status = r.status;
    o.finished = r.finished;
    o.error = r.error;
    o.busy = r.error.rfind("busy", 0) == 0;
    o.lines = std::move(c.lines[key]);
    if (o.error.empty() && c.errors.count(key)) o.error = c.errors[key];
    if (!r.finished && o.error.empty()) o.error = interrupted ? "interrupted" : "timed out";
    out.push_back(std::move(o));
  }
  return out;
}

// dust.run(target, command [, {timeout=s}])
//   → { {node=, state=, exit=, lines={...}, error=, busy=}, ... }
int l_run(lua_State* L) {
  const char* target = luaL_checkstring(L, 1);
  const char* command = luaL_checkstring(L, 2);
  double timeout = 0;
  if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "timeout");
    timeout = luaL_optnumber(L, -1, 0);
    lua_pop(L, 1);
  }
  shell::Context& ctx = live_context(L, "run");
  if (timeout <= 0) timeout = ctx.config().command_timeout_s;
  return guarded(L, [&] {
    auto results = run_and_wait(ctx, target, command, timeout);
    lua_createtable(L, static_cast<int>(results.size()), 0);
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      lua_createtable(L, 0, 4);
      lua_pushstring(L, r.node.c_str());
      lua_setfield(L, -2, "node");
      lua_pushstring(L, r.state.c_str());
      lua_setfield(L, -2, "state");
      if (r.busy) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "busy");
      }
      if (r.finished && r.error.empty() && r.status >= 0) {
        lua_pushinteger(L, r.status);
        lua_setfield(L, -2, "exit");
      }
      if (!r.error.empty()) {
        lua_pushstring(L, r.error.c_str());
        lua_setfield(L, -2, "error");
      }
      lua_createtable(L, static_cast<int>(r.lines.size()), 0);
      for (size_t j = 0; j < r.lines.size(); ++j) {
        lua_pushlstring(L, r.lines[j].data(), r.lines[j].size());
        lua_rawseti(L, -2, static_cast<lua_Integer>(j + 1));
      }
      lua_setfield(L, -2, "lines");
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    return 1;
  });
}

}  // namespace

void open_run(lua_State* L) {
  lua_getglobal(L, "dust");
  lua_pushcfunction(L, l_run);
  lua_setfield(L, -2, "run");
  lua_pop(L, 1);
}

}  // namespace dust::plugins
