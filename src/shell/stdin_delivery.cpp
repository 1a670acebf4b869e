// stdin_lines (see stdin_delivery.h).
#include "shell/stdin_delivery.h"

#include <algorithm>
#include <set>

#include "shell/attachments.h"
#include "shell/context.h"
#include "shell/remote_stdin.h"
#include "shell/sessions.h"
#include "transfer/stdin_job.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/random_hex.h"

namespace dust::shell {

StdinLines stdin_lines(Context& ctx, const std::vector<ssh::Endpoint>& eps,
                       const std::string& command, const std::string& data,
                       const std::vector<std::string>& busy) {
  auto is_busy = [&](const ssh::Endpoint& ep) {
    return std::find(busy.begin(), busy.end(), ep.node_label) != busy.end();
  };
  StdinLines out;
  size_t idle = 0;
  for (const auto& ep : eps) idle += !is_busy(ep);
  if (idle == 0) {
    out.lines.push_back(command);
    return out;
  }
  if (data.size() <= kInlineStdin) {
    std::string line = feed_stdin(command, data, util::random_hex(8, "the stdin here-document"));
    if (idle == eps.size()) {
      out.lines.push_back(std::move(line));
      return out;
    }
    for (const auto& ep : eps) out.lines.push_back(is_busy(ep) ? command : line);
    return out;
  }
  std::vector<ssh::Endpoint> targets;
  for (const auto& ep : eps)
    if (!is_busy(ep)) targets.push_back(ep);
  Sessions& sessions = ctx.sessions();
  transfer::StdinJob job(data);
  std::set<std::string> unreachable;
  transfer::RunOptions opt;
  opt.progress = ctx.client().stderr_tty() && !ctx.json();
  opt.node_ok = [](const ssh::Endpoint&, const transfer::Transferred&) {};
  // Said with the command's results (ssh::RunOptions::failing). A connection that failed is said as
  // the command would have said it ("cannot connect to …"), so that it folds with the others.
  opt.node_unreachable = [&](const ssh::Endpoint& ep) { unreachable.insert(ep.key); };
  opt.node_failed = [&](const ssh::Endpoint& ep, const std::string& why) {
    std::string text = why;
    const std::string verb = std::string(job.verb()) + " failed: ";
    if (unreachable.count(ep.key) && text.rfind(verb, 0) == 0) text = text.substr(verb.size());
    out.failed[ep.key] = text;
  };
  opt.progress_out = [&](const std::string& s) { ctx.out().err(s); };
  // Through the session server: its client went away, nobody waits for the command any more.
  opt.stop = [&ctx] { return ctx.attachments() && ctx.attachments()->abandoned(); };
  transfer::run(sessions.pool(), targets, job, opt);
  out.interrupted = interrupt::pending() || opt.stop();
  // Where the command will not run, its file goes (a complete one stays otherwise).
  std::map<std::string, std::string> cleanup;
  for (const auto& [key, tag] : job.tags())
    if (out.interrupted || !job.paths().count(key)) cleanup[key] = transfer::remove_command(tag);
  if (!cleanup.empty()) {
    std::vector<ssh::Endpoint> where;
    for (const auto& ep : targets)
      if (cleanup.count(ep.key) && !unreachable.count(ep.key)) where.push_back(ep);
    transfer::CommandJob rm(std::move(cleanup));
    transfer::RunOptions quiet;
    quiet.node_ok = [](const ssh::Endpoint&, const transfer::Transferred&) {};
    quiet.node_failed = [](const ssh::Endpoint& ep, const std::string& why) {
      log::debug("stdin {}: {}", ep.node_label, why);
    };
    quiet.progress_out = [](const std::string&) {};
    if (!where.empty()) transfer::run(sessions.pool(), where, rm, quiet);
  }
  sessions.flush_notices();
  for (const auto& ep : eps) {
    if (is_busy(ep))
      out.lines.push_back(command);
    else if (auto at = job.paths().find(ep.key); at != job.paths().end())
      out.lines.push_back(feed_stdin_file(command, at->second));
    else
      out.lines.push_back({});  // not sent (out.failed says why)
    if (!is_busy(ep) && !job.paths().count(ep.key) && !out.failed.count(ep.key))
      out.failed[ep.key] = "stdin failed: not delivered";
  }
  return out;
}

}  // namespace dust::shell
