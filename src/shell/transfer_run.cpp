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
  opt.node_ok = [&](const ssh::Endpoint& ep, const std::string& s) {
    if (auto* tap = sessions.tap()) tap->outcome(ep, sessions.label(ep), true, s);
    ctx.out().out(sessions.format().line(ep.key, sessions.label(ep), s));
  };
  opt.node_failed = [&](const ssh::Endpoint& ep, const std::string& s) {
    if (auto* tap = sessions.tap()) tap->outcome(ep, sessions.label(ep), false, s);
    ctx.out().err(sessions.format().notice(ep.key, sessions.label(ep), s));
  };
  opt.progress_out = [&](const std::string& s) { ctx.out().err(s); };
  auto eps = sessions.endpoints(running);
  if (auto* tap = sessions.tap()) {
    std::vector<std::string> labels;
    for (const auto& ep : eps) labels.push_back(sessions.label(ep));
    tap->begin(eps, labels);  // a transfer is "the last command" too (last.ok, last.failed)
  }
  int failed = transfer::run(sessions.pool(), eps, job, opt);
  if (failed && command)
    ctx.out().err(fmt::format("{} failed on {} of {} node{}\n", job.verb(), failed, running.size(),
                              running.size() == 1 ? "" : "s"));
  return failed;
}

}  // namespace dust::shell
