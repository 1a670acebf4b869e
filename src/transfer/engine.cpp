// The put/get driver: per-node state machines pumped from the event loop (see engine.h).
#include "transfer/engine.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "transfer/format.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/log.h"

namespace dust::transfer {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Watches the transfer's nodes on the pool: a session that fails under a transfer fails its node.
class Driver : private ssh::Observer {
 public:
  Driver(ssh::Pool& pool, Job& job, const RunOptions& opt) : pool_(pool), job_(job), opt_(opt) {}

  int run(const std::vector<ssh::Endpoint>& nodes) {
    tasks_.resize(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) tasks_[i].ep = nodes[i], by_key_[nodes[i].key] = i;
    ssh::Pool::Subscription watching = pool_.observe(nodes, *this);
    interrupt::reset();  // a Ctrl-C from now on, connecting and planning included, stops the
                         // transfer
    started_ = Clock::now();
    if (opt_.progress) arm_progress();
    auto stopped = [&] { return interrupt::pending() || (opt_.stop && opt_.stop()); };
    pool_.connect(nodes, job_.needs_shell());
    for (size_t i = 0; i < tasks_.size(); ++i) {
      NodeTask& t = tasks_[i];
      if (t.phase != NodeTask::Phase::Connecting) continue;  // failed while we waited for another
      // Its connection failed while we waited for another: asking for the session again would
      // start a new attempt, one more connect timeout per unreachable node.
      if (connect_errors_.count(i)) {
        fail(t, connect_errors_[i]);
        continue;
      }
      std::string err;
      ssh::Session* s = job_.needs_shell() ? pool_.ready_session(t.ep, &err, false, stopped)
                                           : pool_.logged_in_session(t.ep, &err, stopped);
      if (t.phase != NodeTask::Phase::Connecting) continue;
      if (!s) {
        fail(t, connect_errors_.count(i) ? connect_errors_[i] : err);
        continue;
      }
      t.session = s;
      trace(t, "logged in");
      t.link = std::make_unique<Link>(s->handle());
      t.peers = tasks_.size();
      t.phase = NodeTask::Phase::Planning;
      t.started = Clock::now();
      s->set_io_hook([this, i] { pump(i); });
      arm_tick(i);
      pump(i);
    }
    pool_.loop().run_until([&] { return all_done() || stopped(); }, 100ms);
    if (stopped()) {
      for (auto& t : tasks_)
        if (!finished(t)) fail(t, "interrupted");
    }
    if (progress_timer_) pool_.loop().cancel(progress_timer_), progress_timer_ = 0;
    if (opt_.progress && shown_) opt_.progress_out("\r\x1b[K");
    int failed = 0;
    for (auto& t : tasks_) {
      release(t);
      if (t.phase == NodeTask::Phase::Failed) ++failed;
    }
    return failed;
  }

 private:
  // A node's session failed: the transfer reports it (as its failure), the default view does not.
  bool on_event(const ssh::NodeEvent& e) override {
    if (e.kind != ssh::NodeEvent::Kind::Error) return false;
    auto it = by_key_.find(e.node.key);
    if (it == by_key_.end()) return false;
    NodeTask& t = tasks_[it->second];
    std::string message(e.text);
    if (t.phase == NodeTask::Phase::Connecting) {
      connect_errors_[it->second] = message;
      return true;
    }
    // The session is gone and libssh freed our channel with it: never touch it again.
    if (t.link) t.link->abandon();
    if (t.stream) t.stream->abandon();
    if (t.fetch) t.fetch->abandon();
    if (!finished(t))
      fail(t, message.find("connection lost") == 0 ? message : "connection lost: " + message,
           false);
    return true;
  }

  static bool finished(const NodeTask& t) {
    return t.phase == NodeTask::Phase::Done || t.phase == NodeTask::Phase::Failed;
  }
  bool all_done() const {
    for (const auto& t : tasks_)
      if (!finished(t)) return false;
    return true;
  }

  bool alive(const NodeTask& t) const {
    return t.session && !t.session->ended() && t.link && !t.link->abandoned() &&
           t.session->handle() == t.link->session() &&
           !(ssh_get_status(t.link->session()) & (SSH_CLOSED | SSH_CLOSED_ERROR));
  }

  void fail(NodeTask& t, const std::string& why, bool connection_alive = true) {
    if (finished(t)) return;
    if (t.item_open) {
      try {
        job_.abort_item(t, connection_alive && alive(t));
      } catch (...) {
      }
      t.item_open = false;
    }
    if (t.phase == NodeTask::Phase::Connecting && opt_.node_unreachable)
      opt_.node_unreachable(t.ep);
    t.phase = NodeTask::Phase::Failed;
    unhook(t);
    t.error = why;
    t.seconds = seconds_since(t);
    clear_line();
    opt_.node_failed(t.ep, fmt::format("{} failed: {}", job_.verb(), why));
  }

  void succeed(NodeTask& t) {
    if (!t.skipped.empty()) return fail(t, not_copied(t));
    t.phase = NodeTask::Phase::Done;
    unhook(t);
    t.seconds = seconds_since(t);
    clear_line();
    Transferred r;
    r.text = result_line(job_.verb(), job_.describe(t), t.done_bytes, t.seconds);
    for (const auto& it : t.items) r.files += it.file_count();
    if (t.items.size() == 1 && !t.items[0].dir && t.items[0].batch.empty() && !t.items[0].tree)
      r.source = t.items[0].src, r.destination = t.items[0].dst;
    else
      r.destination = t.summary;
    r.bytes = t.done_bytes;
    r.seconds = t.seconds;
    opt_.node_ok(t.ep, r);
  }

  // "2 entries not copied: \"/d\": refused the name \"../x\": …; \"/d/loop\": a symlink loop …;
  // 3 files → out/web" (the first five named; the rest counted).
  std::string not_copied(const NodeTask& t) const {
    const size_t n = t.skipped.size(), shown = std::min<size_t>(n, 5);
    std::string s = fmt::format("{} entr{} not copied: ", n, n == 1 ? "y" : "ies");
    for (size_t k = 0; k < shown; ++k) s += (k ? "; " : "") + t.skipped[k];
    if (n > shown) s += fmt::format("; and {} more", n - shown);
    return s + "; copied: " + job_.describe(t);
  }

  double seconds_since(const NodeTask& t) const {
    auto from = t.started == Clock::time_point{} ? started_ : t.started;
    return std::chrono::duration<double>(Clock::now() - from).count();
  }

  // The node is done: its session stops driving this transfer at once (a login without a shell is
  // then no longer watched, Session::update_watch), not only when every node is done.
  static void unhook(NodeTask& t) {
    if (t.session && !t.session->ended()) t.session->set_io_hook(nullptr);
  }

  void release(NodeTask& t) {
    if (t.tick) pool_.loop().cancel(t.tick), t.tick = 0;
    if (t.turn) pool_.loop().cancel(t.turn), t.turn = 0;
    // Always: an ended session is started again later (the same object), and must not call a hook
    // into a transfer that is over.
    if (t.session) t.session->set_io_hook(nullptr);
    if (t.link && !alive(t)) {
      if (t.stream) t.stream->abandon();
      if (t.fetch) t.fetch->abandon();
      t.link->abandon();
    }
    t.stream.reset();
    t.fetch.reset();
    t.link.reset();
    // A login without a shell was this transfer's alone: nothing would read its socket now. Where
    // sessions are kept, its shell opens instead, for the next command.
    if (t.session && t.session->state() == ssh::Session::State::LoggedIn) {
      if (opt_.keep_logins)
        t.session->open_shell(/*unasked=*/true);
      else
        t.session->close();
    }
  }

  // --loglevel debug: each node's steps, in ms since the transfer began (where the round trips go).
  void trace(const NodeTask& t, const std::string& what) const {
    if (log::level() < log::Level::Debug) return;
    log::debug("transfer {} +{:.0f} ms: {}", t.ep.node_label,
               std::chrono::duration<double, std::milli>(Clock::now() - started_).count(), what);
  }

  void arm_tick(size_t i) {
    // Socket activity drives the pumps; the tick catches data libssh buffered without any.
    tasks_[i].tick = pool_.loop().after(20ms, [this, i] {
      tasks_[i].tick = 0;
      if (finished(tasks_[i])) return;
      pump(i);
      if (!finished(tasks_[i]) && !tasks_[i].tick) arm_tick(i);
    });
  }

  void pump(size_t i) {
    NodeTask& t = tasks_[i];
    if (t.pumping || finished(t)) return;
    t.pumping = true;
    try {
      step(t, i);
    } catch (const std::exception& e) {
      fail(t, e.what());
    }
    t.pumping = false;
    if (!finished(t) && t.link && t.link->session() &&
        (ssh_get_poll_flags(t.link->session()) & SSH_WRITE_PENDING)) {
      ssh_blocking_flush(t.link->session(), 0);
      // Still queued (a stream filled the socket): a session step watches for POLLOUT (a no-op
      // when this pump runs inside that step, which then watches by itself).
      if ((ssh_get_poll_flags(t.link->session()) & SSH_WRITE_PENDING) && alive(t))
        t.session->poke();
    }
  }

  void step(NodeTask& t, size_t i) {
    for (;;) {
      if (finished(t)) return;
      if (!alive(t)) return fail(t, "connection lost", false);
      if (t.phase == NodeTask::Phase::Planning) {
        if (!job_.plan(t)) return fail(t, t.error);
        t.phase = NodeTask::Phase::Working;
        for (const auto& it : t.items) t.total_bytes += it.size;
        trace(t, fmt::format("planned {} item(s)", t.items.size()));
        continue;
      }
      if (!t.item_open) {
        if (t.next >= t.items.size()) return succeed(t);
        if (!job_.begin_item(t)) return fail(t, t.error);
        t.item_open = true;
        trace(t, "item " + t.items[t.next].dst + " begins");
      }
      Step st = Step::Done;
      bool again = false;
      std::string err;
      if (t.stream)
        st = t.stream->pump(&err, &again);
      else if (t.fetch)
        st = t.fetch->pump(&err, &again);
      if (t.fetch && t.fetch->has_header() && t.items[t.next].size == 0 && t.fetch->size()) {
        t.items[t.next].size = t.fetch->size();  // known once its header came: the progress total
        t.total_bytes += t.fetch->size();
      }
      if (st == Step::Failed) return fail(t, err.empty() ? "the transfer failed" : err);
      if (st == Step::Pending) {
        if (again) next_turn(i);
        return;
      }
      uint64_t moved = t.stream ? t.stream->sent() : t.fetch ? t.fetch->received() : 0;
      if (t.fetch)
        trace(t, fmt::format("read window {} (channel opened in {:.1f} ms)", t.fetch->window(),
                             t.fetch->rtt().count() * 1e3));
      if (!job_.finish_item(t)) return fail(t, t.error);
      t.item_open = false;
      trace(t, "item " + t.items[t.next].dst + " done");
      const Item& done = t.items[t.next];
      // A batch's tar and a tree's stream have headers too: their files' bytes count.
      t.done_bytes += done.batch.empty() && !done.tree ? moved : done.size;
      t.files += done.file_count();
      t.stream.reset();
      t.fetch.reset();
      ++t.next;
    }
  }

  // Queues this node's next turn on the loop (after what else is due: fds, timers, the others).
  void next_turn(size_t i) {
    if (tasks_[i].turn) return;
    tasks_[i].turn = pool_.loop().after(0ms, [this, i] {
      tasks_[i].turn = 0;
      pump(i);
    });
  }

  uint64_t moved(const NodeTask& t) const {
    uint64_t b = t.done_bytes;
    if (t.stream && t.item_open) b += std::min(t.stream->sent(), t.items[t.next].size);
    if (t.fetch) b += t.fetch->received();
    return b;
  }

  void arm_progress() {
    progress_timer_ = pool_.loop().after(250ms, [this] {
      progress_timer_ = 0;
      uint64_t done = 0, total = 0;
      size_t finished_nodes = 0;
      bool known = true;  // a tree's stream says no size beforehand
      for (const auto& t : tasks_) {
        done += moved(t);
        total += t.total_bytes;
        if (finished(t)) ++finished_nodes;
        for (const auto& it : t.items) known = known && !it.tree;
      }
      double secs = std::chrono::duration<double>(Clock::now() - started_).count();
      std::string amount =
          known ? fmt::format("{} / {}", human_bytes(done), human_bytes(total)) : human_bytes(done);
      opt_.progress_out(fmt::format("\r\x1b[K{} {}  {}  {}/{} nodes done", job_.verb(), amount,
                                    human_rate(done, secs), finished_nodes, tasks_.size()));
      shown_ = true;
      arm_progress();
    });
  }

  void clear_line() {
    if (opt_.progress && shown_) opt_.progress_out("\r\x1b[K");
  }

  ssh::Pool& pool_;
  Job& job_;
  const RunOptions& opt_;
  std::vector<NodeTask> tasks_;
  std::map<std::string, size_t> by_key_;  // Endpoint::key → task
  std::map<size_t, std::string> connect_errors_;
  Clock::time_point started_;
  EventLoop::TimerId progress_timer_ = 0;
  bool shown_ = false;
};

}  // namespace

void end_stream(NodeTask& n, bool connection_alive, int wait_ms) {
  if (!n.stream) return;
  if (connection_alive)
    n.stream->cancel(wait_ms);
  else
    n.stream->abandon();
  n.stream.reset();
}

int run(ssh::Pool& pool, const std::vector<ssh::Endpoint>& nodes, Job& job, const RunOptions& opt) {
  Driver d(pool, job, opt);
  return d.run(nodes);
}

}  // namespace dust::transfer
