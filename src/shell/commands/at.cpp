// @[target] [command] — run a line in each selected node's persistent shell, or attach raw to one.
#include "shell/commands/at.h"

#include <fmt/format.h>
#include <poll.h>
#include <readline/readline.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include "shell/command_table.h"
#include "shell/context.h"
#include "ssh/endpoint.h"
#include "ssh/raw_attach.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/interrupt.h"

namespace dust::shell {
namespace {

// Prints `[node] text`, one colour per node on a terminal (NO_COLOR respected).
class Out : public ssh::Listener {
 public:
  explicit Out(Printer& p) : p_(p) {
    colour_ = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  }
  void on_line(const std::string& node, std::string_view text) override { p_.queue_line(tag(node), text); }
  void on_partial(const std::string& node, std::string_view text) override { p_.queue_line(tag(node), text); }
  void on_done(const std::string&, int) override {}
  void on_error(const std::string& node, const std::string& msg) override {
    p_.err(fmt::format("{} error: {}\n", tag(node), msg));
  }
  void on_notice(const std::string& node, const std::string& msg) override {
    p_.err(fmt::format("{} {}\n", tag(node), msg));
  }

 private:
  const std::string& tag(const std::string& node) {
    auto [it, fresh] = tags_.try_emplace(node);
    if (fresh)
      it->second = colour_ ? fmt::format("\x1b[{}m[{}]\x1b[0m", 31 + static_cast<int>(tags_.size() - 1) % 6, node)
                           : "[" + node + "]";
    return it->second;
  }
  Printer& p_;
  bool colour_;
  std::map<std::string, std::string> tags_;  // node → its printed `[node]`
};

Out& listener(Context& ctx) {
  static Out* out = new Out(ctx.out());  // lives as long as the pool that calls it
  return *out;
}

// Splits "web* uptime" into target and command; "@ cmd" (leading space) or "@" targets all.
void split(const std::string& rest, std::string* target, std::string* command) {
  size_t start = rest.find_first_not_of(" \t");
  if (rest.empty() || rest[0] == ' ' || rest[0] == '\t') {
    target->clear();
    *command = start == std::string::npos ? "" : rest.substr(start);
    return;
  }
  size_t sp = rest.find_first_of(" \t");
  *target = rest.substr(0, sp);
  size_t cmd = sp == std::string::npos ? sp : rest.find_first_not_of(" \t", sp);
  *command = cmd == std::string::npos ? "" : rest.substr(cmd);
}

int summarise(Context& ctx, const ssh::Job& job) {
  std::map<std::string, std::vector<std::string>> failed;  // reason → nodes
  int worst = 0;
  for (const auto& r : job.results()) {
    if (!r.finished) {
      failed["did not finish"].push_back(r.node);
      worst = worst ? worst : 1;
    } else if (!r.error.empty()) {
      failed[r.error].push_back(r.node);
      worst = 255;  // as ssh does for connection failures
    } else if (r.status != 0) {
      failed[r.status < 0 ? "no exit status" : fmt::format("exit {}", r.status)].push_back(r.node);
      if (worst != 255) worst = worst && worst != r.status ? 1 : (r.status < 0 ? 1 : r.status);
    }
  }
  if (failed.empty()) return 0;
  size_t n = 0;
  for (auto& [why, nodes] : failed) n += nodes.size();
  ctx.out().err(fmt::format("{} of {} node{} failed:\n", n, job.results().size(),
                            job.results().size() == 1 ? "" : "s"));
  for (auto& [why, nodes] : failed) ctx.out().err(fmt::format("  {}: {}\n", fold_names(nodes), why));
  return worst;
}

int wait_for(Context& ctx, ssh::Pool& pool, const std::vector<ssh::Endpoint>& eps, const ssh::Job& job) {
  interrupt::reset();
  int seen = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ctx.config().command_timeout_s);
  bool timed_out = false;
  ctx.loop().run_until(
      [&] {
        if (interrupt::count() > seen) {
          seen = interrupt::count();
          interrupt::drain();
          if (seen == 1) {
            int n = pool.interrupt(eps);
            ctx.out().err(fmt::format("interrupt sent to {} node{} (Ctrl-C again to quit)\n", n, n == 1 ? "" : "s"));
          }
        }
        if (ctx.config().command_timeout_s > 0 && std::chrono::steady_clock::now() > deadline) timed_out = true;
        return job.done() || seen >= 2 || timed_out;
      },
      std::chrono::milliseconds(100));
  if (seen >= 2) {
    ctx.quit_requested = true;
    return 130;
  }
  if (timed_out) ctx.out().err(fmt::format("command timeout ({} s) reached\n", ctx.config().command_timeout_s));
  return summarise(ctx, job);
}

int run(Context& ctx, Args& a) {
  std::string target, command;
  split(a.rest, &target, &command);
  auto running = ctx.select_running(target);
  ssh::Pool& pool = ssh_pool(ctx);
  auto eps = endpoints_for(ctx, running);

  if (command.empty()) {
    if (eps.size() != 1)
      throw Error(fmt::format("raw mode needs exactly one node, '{}' matched {}: {} (give a command to run on all)",
                              target.empty() ? "*" : target, eps.size(), fold_names([&] {
                                std::vector<std::string> v;
                                for (auto& e : eps) v.push_back(e.node_label);
                                return v;
                              }())));
    std::string err;
    bool was_visible = ctx.out().prompt_visible();
    ctx.out().set_prompt_visible(false);
    ssh::RawEnd end = ssh::attach_raw(pool, eps[0], listener(ctx), &err, [&] {
      ctx.out().err(fmt::format("attaching to {} — Ctrl-C three times to come back, `exit` to end the session\n",
                                eps[0].node_label));
    });
    if (ctx.interactive()) ctx.loop().watch(STDIN_FILENO, POLLIN, [](short) { rl_callback_read_char(); });
    ctx.out().set_prompt_visible(was_visible);
    if (end == ssh::RawEnd::Failed) throw Error(fmt::format("{}: {}", eps[0].node_label, err));
    ctx.out().err(end == ssh::RawEnd::Detached ? fmt::format("back in dust ({} session kept)\n", eps[0].node_label)
                                               : fmt::format("{} session ended\n", eps[0].node_label));
    return 0;
  }

  auto job = pool.run(eps, command, listener(ctx));
  if (ctx.interactive()) return 0;  // output streams in while the user types
  return wait_for(ctx, pool, eps, *job);
}

}  // namespace

ssh::Pool& ssh_pool(Context& ctx) {
  // Created once and kept for the whole process: sessions persist from one `@` line to the next.
  static ssh::Pool* pool = [&] {
    const Config& c = ctx.config();
    ssh::Options o;
    o.fanout = c.fanout;
    o.connect_timeout_s = c.connect_timeout_s;
    o.ssh_config = c.ssh_config;
    o.default_user = c.ssh_user;
    o.address = c.ssh_address;
    o.strict_host_key = c.strict_host_key == "accept-new" ? "" : c.strict_host_key;
    o.key_files = c.keys;
    o.summarise_floods = ctx.interactive();  // one-shot and script mode print every line
    return new ssh::Pool(ctx.loop(), o);
  }();
  return *pool;
}

std::vector<ssh::Endpoint> endpoints_for(Context& ctx, const std::vector<const Node*>& nodes) {
  std::vector<ssh::Endpoint> out;
  std::vector<std::string> names = ctx.labels(nodes);
  for (size_t i = 0; i < nodes.size(); ++i) {
    out.push_back(ssh::endpoint_for(*nodes[i], ssh_pool(ctx).options()));
    out.back().node_label = names[i];
  }
  return out;
}

void register_at(CommandTable& t) {
  t.add({.name = "@",
         .aliases = {},
         .usage = "@[target] [command]",
         .summary = "run a command in each node's persistent shell; one node and no command: raw shell",
         .help = "Lines go to the same shell every time (cd, variables and background jobs persist). "
                 "While a node's command still runs, the next @ line is its input (answer [Y/n] with @node Y).",
         .flags = {},
         .complete = CompleteKind::Nodes,
         .run = run,
         .raw = true});
}

}  // namespace dust::shell
