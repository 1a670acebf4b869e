// Sessions: the last command (`:failed`/`:ok`), the interactive summary line when a job ends, and
// the folding of per-node notices (see sessions.h).
//
// When folded notices print: once no session is connecting any more (the fan-out is over) and
// none came for 150 ms, or 10 s after the first one at the latest, or before a job's summary.
// Waiting for the end of the job instead would hold a refused connection back for as long as the
// slowest node's command runs (minutes, in the interactive shell); waiting only for a quiet period
// would split 500 first contacts into several lines, since handshakes are bounded by fanout.
#include <fmt/format.h>

#include <algorithm>

#include "shell/context.h"
#include "shell/sessions.h"
#include "util/log.h"
#include "util/sanitise.h"

namespace dust::shell {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr auto kQuiet = std::chrono::milliseconds(150);
constexpr auto kMaxHold = std::chrono::seconds(10);

}  // namespace

void Sessions::track(std::shared_ptr<ssh::Job> job, std::vector<ssh::Endpoint> eps, bool summary) {
  tracked_.push_back({std::move(job), std::move(eps), summary, last_cmd_});
  arm();
}

std::vector<Outcome> Sessions::outcomes(const Tracked& t) const {
  std::vector<Outcome> out;
  const auto& results = t.job->results();
  for (size_t i = 0; i < results.size() && i < t.eps.size(); ++i) {
    Outcome o;
    o.key = t.eps[i].key;
    o.label = results[i].node;
    if (outcome_of(results[i].finished, results[i].status, results[i].error, &o))
      out.push_back(std::move(o));
  }
  return out;
}

std::vector<Outcome> Sessions::finish(const ssh::Job& job) {
  flush_notices();
  auto it = std::find_if(tracked_.begin(), tracked_.end(),
                         [&](const Tracked& t) { return t.job.get() == &job; });
  if (it == tracked_.end()) {
    // The report timer saw it end first (while the caller was still waiting): already recorded.
    if (last_cmd_->job.get() == &job && last_cmd_->outcomes) return *last_cmd_->outcomes;
    return {};
  }
  std::vector<Outcome> o = outcomes(*it);
  std::shared_ptr<LastCommand> owner = it->owner;
  tracked_.erase(it);
  if (!o.empty()) owner->outcomes = o;
  return o;
}

void Sessions::record(std::vector<Outcome> outcomes) {
  if (outcomes.empty()) return;
  last_cmd_->outcomes = std::move(outcomes);
  last_cmd_->job.reset();
}

void Sessions::hold_notice(const ssh::NodeEvent& e) {
  std::string name = label(e.node);
  // In full, fingerprints included, whatever is folded on screen.
  log::debug("{}: {}{}", name, e.kind == ssh::NodeEvent::Kind::Error ? "error: " : "",
             util::escape_controls(e.text));
  auto now = Clock::now();
  if (notices_.empty()) first_notice_ = now;
  last_notice_ = now;
  // Notices and errors may quote outside text (a server's error string): shown escaped.
  notices_.add(e.node.key, name, e.kind == ssh::NodeEvent::Kind::Error,
               util::escape_controls(e.text));
  arm();
}

void Sessions::flush_notices(const std::string& key) {
  for (const auto& l : key.empty() ? notices_.take() : notices_.take_node(key)) {
    if (l.key.empty() && l.label.empty())
      ctx_.out().err(l.text + "\n");
    else if (l.error)
      ctx_.out().err(format_.error(l.key, l.label, l.text));
    else
      ctx_.out().err(format_.notice(l.key, l.label, l.text));
  }
}

void Sessions::arm() {
  if (!timer_) timer_ = ctx_.loop().after(kTick, [this] { tick(); });
}

void Sessions::tick() {
  timer_ = 0;
  for (size_t i = 0; i < tracked_.size();) {
    if (!tracked_[i].job->done()) {
      ++i;
      continue;
    }
    Tracked t = std::move(tracked_[i]);
    tracked_.erase(tracked_.begin() + static_cast<std::ptrdiff_t>(i));
    flush_notices();
    std::vector<Outcome> o = outcomes(t);
    if (t.summary)
      if (std::string line = summary_line(o); !line.empty()) ctx_.out().err(line + "\n");
    if (!o.empty()) {
      t.owner->outcomes = std::move(o);
      t.owner->job = t.job;
    }
  }
  if (!notices_.empty()) {
    auto now = Clock::now();
    bool over = now - last_notice_ >= kQuiet && (!pool_ || pool_->connecting() == 0);
    if (over || now - first_notice_ >= kMaxHold) flush_notices();
  }
  if (!tracked_.empty() || !notices_.empty()) arm();
}

}  // namespace dust::shell
