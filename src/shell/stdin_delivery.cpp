// stdin_lines (see stdin_delivery.h).
#include "shell/stdin_delivery.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/rand.h>

#include <algorithm>

#include "shell/attachments.h"
#include "shell/context.h"
#include "shell/remote_stdin.h"
#include "shell/sessions.h"
#include "transfer/stdin_job.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/sanitise.h"

namespace dust::shell {
namespace {

std::string random_nonce() {
  unsigned char b[8];
  if (RAND_bytes(b, sizeof b) != 1) throw Error("no randomness for the stdin here-document");
  return fmt::format("{:02x}", fmt::join(b, ""));
}

}  // namespace

StdinLines stdin_lines(Context& ctx, std::vector<ssh::Endpoint>& eps, const std::string& command,
                       const std::string& data, const std::vector<std::string>& busy) {
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
    std::string line = feed_stdin(command, data, random_nonce());
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
  transfer::RunOptions opt;
  opt.progress = ctx.client().stderr_tty() && !ctx.json();
  opt.node_ok = [](const ssh::Endpoint&, const transfer::Transferred&) {};
  opt.node_failed = [&](const ssh::Endpoint& ep, const std::string& why) {
    ctx.out().err(sessions.format().notice(ep.key, sessions.label(ep), util::escape_controls(why)));
  };
  opt.node_unreachable = [&](const ssh::Endpoint&) { ++out.unreachable; };
  opt.progress_out = [&](const std::string& s) { ctx.out().err(s); };
  // Through the session server: its client went away, nobody waits for the command any more.
  opt.stop = [&ctx] { return ctx.attachments() && ctx.attachments()->abandoned(); };
  transfer::run(sessions.pool(), targets, job, opt);
  sessions.flush_notices();
  out.interrupted = interrupt::pending() || (opt.stop && opt.stop());
  std::vector<ssh::Endpoint> kept;
  for (auto& ep : eps) {
    if (is_busy(ep)) {
      out.lines.push_back(command);
    } else if (auto at = job.paths().find(ep.key); at != job.paths().end()) {
      out.lines.push_back(feed_stdin_file(command, at->second));
    } else {
      ++out.undelivered;
      continue;
    }
    kept.push_back(std::move(ep));
  }
  eps = std::move(kept);
  return out;
}

}  // namespace dust::shell
