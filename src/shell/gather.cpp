// Gathered and JSON-lines jobs (see gather.h).
#include "shell/gather.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "shell/context.h"
#include "shell/json_lines.h"
#include "shell/sessions.h"
#include "util/fold.h"
#include "util/interrupt.h"
#include "util/sanitise.h"

namespace dust::shell {

size_t gather_limit(size_t n) {
  constexpr size_t kMax = 4u << 20, kMin = 64u << 10, kAll = 256u << 20;
  return std::clamp(kAll / std::max<size_t>(n, 1), kMin, kMax);
}

Gatherer::Gatherer(const std::vector<ssh::Endpoint>& eps, size_t limit_bytes)
    : limit_(limit_bytes), nodes_(eps.size()) {
  for (size_t i = 0; i < eps.size(); ++i) index_[eps[i].key] = i;
}

namespace {

// What a kept line costs in memory, not only its text: a flood of short lines must stay within the
// limit too (an empty line still costs a std::string and a deque slot).
size_t cost(size_t text) { return text + 1 + sizeof(std::string) + sizeof(void*); }

}  // namespace

bool Gatherer::on_event(const ssh::NodeEvent& e) {
  using Kind = ssh::NodeEvent::Kind;
  auto it = index_.find(e.node.key);
  if (it == index_.end()) return false;
  size_t i = it->second;
  Node& n = nodes_[i];
  if (n.ended) return false;  // a background job's output after the command: shown as usual
  switch (e.kind) {
    case Kind::Line:
    case Kind::Partial:
      n.buf.emplace_back(e.text);
      n.bytes += cost(e.text.size());
      while (n.bytes > limit_ && n.buf.size() > 1) {
        n.bytes -= cost(n.buf.front().size());
        n.dropped_bytes += n.buf.front().size() + 1;
        ++n.dropped_lines;
        n.buf.pop_front();
      }
      return true;
    case Kind::Done:
    case Kind::Error:
      n.ended = true;
      if (on_end) on_end(i, e);
      return e.kind == Kind::Error;  // the error is the group's header
    case Kind::Notice:
      return false;
  }
  return false;
}

const std::vector<std::string>& Gatherer::lines(size_t i) {
  Node& n = nodes_[i];
  for (auto& l : n.buf) n.flat.push_back(std::move(l));
  n.buf.clear();
  return n.flat;
}

void Gatherer::clear(size_t i) {
  Node& n = nodes_[i];
  n.buf.clear(), n.flat.clear(), n.flat.shrink_to_fit();
  n.bytes = 0;
}

NodeCapture Gatherer::capture(size_t i, const std::string& label, const ssh::NodeResult& r) {
  NodeCapture c;
  c.node = label;
  lines(i);
  c.lines = std::move(nodes_[i].flat);  // moved, not copied: a flood's lines exist once
  c.dropped_lines = nodes_[i].dropped_lines;
  c.dropped_bytes = nodes_[i].dropped_bytes;
  if (!r.finished) {
    c.end = NodeCapture::End::Running;
  } else if (!r.error.empty()) {
    c.end = NodeCapture::End::Error;
    c.error = util::escape_controls(r.error);  // may quote a server's words
  } else {
    c.status = r.status;
  }
  return c;
}

namespace {

enum class Stop { Done, Interrupted, TimedOut };

// Runs the loop until every node finished, Ctrl-C or ssh.command_timeout.
Stop wait_gathering(Context& ctx, const ssh::Job& job) {
  interrupt::reset();
  const int timeout_s = ctx.config().command_timeout_s;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  Stop why = Stop::Done;
  ctx.loop().run_until(
      [&] {
        if (interrupt::count() > 0) {
          interrupt::drain();
          interrupt::reset();
          why = Stop::Interrupted;
          return true;
        }
        if (timeout_s > 0 && std::chrono::steady_clock::now() > deadline) {
          why = Stop::TimedOut;
          return true;
        }
        return job.done();
      },
      std::chrono::milliseconds(100));
  return why;
}

std::vector<std::string> still_running(const ssh::Job& job) {
  std::vector<std::string> v;
  for (const auto& r : job.results())
    if (!r.finished) v.push_back(r.node);
  return v;
}

void say_stopped(Context& ctx, const ssh::Job& job, Stop why) {
  if (why == Stop::Done) return;
  std::vector<std::string> running = still_running(job);
  std::string cause = why == Stop::Interrupted ? "interrupted"
                                               : fmt::format("command timeout ({} s) reached",
                                                             ctx.config().command_timeout_s);
  if (running.empty()) {
    ctx.out().err(cause + "\n");
    return;
  }
  ctx.out().err(fmt::format(
      "{}: still running on {} node{}: {} (left running; their output now streams as usual)\n",
      cause, running.size(), running.size() == 1 ? "" : "s", fold_names(running)));
}

int finish_status(Context& ctx, const ssh::Job& job, Stop why, const AtHooks& hooks) {
  if (why == Stop::Interrupted) {
    if (!ctx.interactive()) ctx.quit_requested = true;  // a script stops at Ctrl-C
    return 130;
  }
  return hooks.summarise(job);
}

}  // namespace

int run_observed(Context& ctx, const std::vector<ssh::Endpoint>& eps,
                 const std::vector<std::string>& lines, const Sessions::Sending& how, bool gather,
                 const AtHooks& hooks) {
  Sessions& sessions = ctx.sessions();
  const bool json = ctx.json() && !ctx.interactive();
  if (!gather) {  // live JSON lines
    JsonLines records(ctx, eps);
    ssh::Pool::Subscription sub = sessions.observe(eps, records);
    auto job = sessions.run(eps, lines, how);
    sessions.track(job, eps, false);  // the last command (:failed/:ok); hooks.wait summarises
    int rc = hooks.wait(*job);
    records.finish(*job);
    return rc;
  }
  Gatherer g(eps, gather_limit(eps.size()));
  std::optional<JsonLines> records;
  std::shared_ptr<ssh::Job> job;
  if (json) {
    records.emplace(ctx, eps);
    // Each node's records together, as soon as it ends (no groups in JSON).
    g.on_end = [&](size_t i, const ssh::NodeEvent& e) {
      records->node_output(i, g.lines(i), g.dropped_lines(i), g.dropped_bytes(i));
      g.clear(i);
      ssh::NodeResult r;
      r.finished = true;
      r.status = e.status;
      if (e.kind == ssh::NodeEvent::Kind::Error) r.error = std::string(e.text);
      records->node_end(i, r);
    };
  }
  ssh::Pool::Subscription sub = sessions.observe(eps, g);
  job = sessions.run(eps, lines, how);
  sessions.track(job, eps, false);  // the last command (:failed/:ok); the summary comes below
  Stop why = wait_gathering(ctx, *job);
  const auto& rs = job->results();
  if (records) {
    for (size_t i = 0; i < eps.size(); ++i)
      if (!rs[i].finished)
        records->node_output(i, g.lines(i), g.dropped_lines(i), g.dropped_bytes(i));
    records->finish(*job);
  } else {
    std::vector<NodeCapture> captures;
    captures.reserve(eps.size());
    for (size_t i = 0; i < eps.size(); ++i) {
      captures.push_back(g.capture(i, sessions.label(eps[i]), rs[i]));
      g.clear(i);
    }
    std::string text = render_groups(captures, group_captures(captures), ctx.config().output_diff);
    // Node lines keep plain colour for a terminal only (util/sanitise.h).
    ctx.out().out(sessions.format().colour() ? text : util::strip_sgr(text));
  }
  say_stopped(ctx, *job, why);
  return finish_status(ctx, *job, why, hooks);
}

}  // namespace dust::shell
