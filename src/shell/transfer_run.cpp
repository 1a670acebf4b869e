// run_transfer (see transfer_run.h).
#include "shell/transfer_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include "shell/attachments.h"
#include "shell/context.h"
#include "shell/json_lines.h"
#include "shell/sessions.h"
#include "util/interrupt.h"
#include "util/sanitise.h"

namespace dust::shell {

int run_transfer(Context& ctx, const std::vector<const Node*>& running, transfer::Job& job,
                 bool command) {
  Sessions& sessions = ctx.sessions();
  transfer::RunOptions opt;
  opt.progress = command && ctx.client().stderr_tty() && !ctx.json();
  std::vector<Outcome> outcomes;  // put/get become the last command (:failed, :ok)
  TransferJson json(ctx);         // --json (one-shot, script): stdout is JSON lines (json_lines.h)
  const bool as_json = command && ctx.json() && !ctx.interactive();
  // Result lines quote remote file names and the nodes' error text: shown escaped
  // (util/sanitise.h) everywhere but JSON, which nlohmann escapes exactly.
  opt.node_ok = [&](const ssh::Endpoint& ep, const transfer::Transferred& r) {
    outcomes.push_back({ep.key, ep.node_label, true, ""});
    std::string shown = util::escape_controls(r.text);
    if (auto* tap = sessions.tap()) tap->outcome(ep, sessions.label(ep), true, shown);
    if (as_json)
      json.ok(sessions.label(ep), job.verb(), r);
    else
      ctx.out().out(sessions.format().line(ep.key, sessions.label(ep), shown));
  };
  opt.node_failed = [&](const ssh::Endpoint& ep, const std::string& s) {
    std::string shown = util::escape_controls(s);
    outcomes.push_back({ep.key, ep.node_label, false, shown});
    if (auto* tap = sessions.tap()) tap->outcome(ep, sessions.label(ep), false, shown);
    if (as_json)
      json.failed(sessions.label(ep), s);
    else
      ctx.out().err(sessions.format().notice(ep.key, sessions.label(ep), shown));
  };
  opt.progress_out = [&](const std::string& s) { ctx.out().err(s); };
  // A one-shot that the session server runs takes its transfer with it when it goes away (killed,
  // its terminal closed), as it takes its commands (at.cpp): an interactive client's line runs on.
  opt.stop = [&ctx] {
    return !ctx.interactive() && ctx.attachments() && ctx.attachments()->abandoned();
  };
  // The interactive shell and a server keep their sessions: a transfer's login stays for the next
  // command (its shell opens as the transfer ends); a one-shot or a script without a server ends.
  opt.keep_logins = ctx.interactive() || ctx.attachments() != nullptr;
  auto eps = sessions.endpoints(running);
  if (auto* tap = sessions.tap()) {
    std::vector<std::string> labels;
    for (const auto& ep : eps) labels.push_back(sessions.label(ep));
    tap->begin(eps, labels);  // a transfer is "the last command" too (last.ok, last.failed)
  }
  int failed = transfer::run(sessions.pool(), eps, job, opt);
  sessions.flush_notices();
  if (command) sessions.record(std::move(outcomes));
  if (as_json) {
    std::vector<std::string> all;
    for (const auto& ep : eps) all.push_back(sessions.label(ep));
    json.summary(all);
  }
  if (failed && command)
    ctx.out().err(fmt::format("{} failed on {} of {} node{}\n", job.verb(), failed, running.size(),
                              running.size() == 1 ? "" : "s"));
  return failed;
}

int transfer_status(Context& ctx, int failed) {
  if (interrupt::pending()) {
    if (!ctx.interactive()) ctx.quit_requested = true;
    return 130;
  }
  return failed ? 1 : 0;
}

}  // namespace dust::shell
