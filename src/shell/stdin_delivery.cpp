// stdin_lines (see stdin_delivery.h).
#include "shell/stdin_delivery.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/rand.h>

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
                       const std::string& data) {
  StdinLines out;
  if (data.size() <= kInlineStdin) {
    out.lines.push_back(feed_stdin(command, data, random_nonce()));
    return out;
  }
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
  transfer::run(sessions.pool(), eps, job, opt);
  sessions.flush_notices();
  out.interrupted = interrupt::pending() || (opt.stop && opt.stop());
  std::vector<ssh::Endpoint> delivered;
  for (auto& ep : eps) {
    auto at = job.paths().find(ep.key);
    if (at == job.paths().end()) {
      ++out.undelivered;
      continue;
    }
    out.lines.push_back(feed_stdin_file(command, at->second));
    delivered.push_back(std::move(ep));
  }
  eps = std::move(delivered);
  return out;
}

}  // namespace dust::shell
