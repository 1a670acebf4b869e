// run_transfer (see transfer_run.h).
#include "shell/transfer_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include "shell/context.h"
#include "shell/sessions.h"

namespace dust::shell {

int run_transfer(Context& ctx, const std::vector<const Node*>& running, transfer::Job& job,
                 bool command) {
  Sessions& sessions = ctx.sessions();
  transfer::RunOptions opt;
  opt.progress = command && isatty(STDERR_FILENO) && !ctx.json();
  std::vector<Outcome> outcomes;  // put/get become the last command (:failed, :ok)
  opt.node_ok = [&](const ssh::Endpoint& ep, const std::string& s) {
    outcomes.push_back({ep.key, ep.node_label, true, ""});
    ctx.out().out(sessions.format().line(ep.key, sessions.label(ep), s));
  };
  opt.node_failed = [&](const ssh::Endpoint& ep, const std::string& s) {
    outcomes.push_back({ep.key, ep.node_label, false, s});
    ctx.out().err(sessions.format().notice(ep.key, sessions.label(ep), s));
  };
  opt.progress_out = [&](const std::string& s) { ctx.out().err(s); };
  int failed = transfer::run(sessions.pool(), sessions.endpoints(running), job, opt);
  sessions.flush_notices();
  if (command) sessions.record(std::move(outcomes));
  if (failed && command)
    ctx.out().err(fmt::format("{} failed on {} of {} node{}\n", job.verb(), failed, running.size(),
                              running.size() == 1 ? "" : "s"));
  return failed;
}

}  // namespace dust::shell
