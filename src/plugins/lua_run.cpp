// dust.run(target, command [, {timeout=seconds}]) for drop-in commands: the line goes through the
// persistent ssh sessions (the same pool as `@`), and the call waits for every node, collecting
// its output lines and exit code instead of printing them.
#include <fmt/format.h>
#include <poll.h>
#include <readline/readline.h>
#include <unistd.h>

#include <chrono>
#include <map>

#include "plugins/lua_host.h"
#include "shell/commands/at.h"
#include "shell/context.h"
#include "util/error.h"
#include "util/interrupt.h"

namespace dust::plugins {
namespace {

// Collects the output of the job dust.run is waiting for. The pool keeps a listener per session for
// later background output too, so this one lives for the process and prints whatever arrives
// while no dust.run is collecting, the way `@` would.
class Collector : public ssh::Listener {
 public:
  std::map<std::string, std::vector<std::string>> lines;
  std::map<std::string, std::string> errors;
  bool collecting = false;
  shell::Printer* printer = nullptr;

  void on_line(const std::string& node, std::string_view text) override {
    if (collecting) lines[node].emplace_back(text);
    else if (printer) printer->out(fmt::format("[{}] {}\n", node, text));
  }
  void on_partial(const std::string& node, std::string_view text) override { on_line(node, text); }
  void on_done(const std::string&, int) override {}
  void on_error(const std::string& node, const std::string& msg) override {
    if (collecting) errors[node] = msg;
    else if (printer) printer->err(fmt::format("[{}] error: {}\n", node, msg));
  }
  void on_notice(const std::string& node, const std::string& msg) override {
    if (printer) printer->err(fmt::format("[{}] {}\n", node, msg));
  }
};

Collector& collector() {
  static Collector* c = new Collector;
  return *c;
}

struct NodeOutcome {
  std::string node;
  int status = -1;
  bool finished = false;
  std::string error;
  std::vector<std::string> lines;
};

std::vector<NodeOutcome> run_and_wait(shell::Context& ctx, const std::string& target, const std::string& command,
                                      double timeout_s) {
  std::vector<const Node*> running, stopped;
  for (const Node* n : ctx.select(target)) (n->state == "running" ? running : stopped).push_back(n);
  std::vector<NodeOutcome> out;
  std::vector<std::string> names = ctx.labels(stopped);  // web(i-…) when a name is shared, as `@` says
  for (size_t i = 0; i < stopped.size(); ++i)
    out.push_back({names[i], -1, false, "not running (" + stopped[i]->state + ")", {}});
  if (running.empty()) return out;
  ssh::Pool& pool = shell::ssh_pool(ctx);
  auto eps = shell::endpoints_for(ctx, running);
  Collector& c = collector();
  c.printer = &ctx.out();
  c.lines.clear();
  c.errors.clear();
  c.collecting = true;
  // While we wait, keystrokes must not start another command line: they stay in the tty and are
  // read once the command is over.
  shell::Terminal::Hold tty = ctx.terminal().hold();
  auto job = pool.run(eps, command, c);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  int interrupts = interrupt::count();
  ctx.loop().run_until(
      [&] {
        if (interrupt::count() > interrupts) return true;
        return job->done() || (timeout_s > 0 && std::chrono::steady_clock::now() > deadline);
      },
      std::chrono::milliseconds(100));
  bool interrupted = interrupt::count() > interrupts;
  if (!job->done()) pool.interrupt(eps);  // do not leave the command running on the nodes
  c.collecting = false;
  for (const auto& r : job->results()) {
    NodeOutcome o{r.node, r.status, r.finished, r.error, std::move(c.lines[r.node])};
    if (o.error.empty() && c.errors.count(r.node)) o.error = c.errors[r.node];
    if (!r.finished && o.error.empty()) o.error = interrupted ? "interrupted" : "timed out";
    out.push_back(std::move(o));
  }
  c.lines.clear();
  return out;
}

// dust.run(target, command [, {timeout=s}]) → { {node=, exit=, lines={...}, error=}, ... }
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
