// Pool: session bookkeeping, bounded handshakes, session events through observers to the sink.
#include "ssh/pool.h"

#include <sys/resource.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "util/log.h"
#include "util/sanitise.h"

namespace dust::ssh {

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

void Job::finish(size_t i, int status, const std::string& error) {
  if (i >= results_.size() || results_[i].finished) return;
  results_[i].finished = true;
  results_[i].status = status;
  results_[i].error = error;
  --remaining_;
}

Pool::Pool(EventLoop& loop, Options opt, Sink& sink)
    : loop_(loop),
      opt_(std::move(opt)),
      sink_(sink),
      jumps_(loop, opt_),
      watches_(std::make_shared<Subscription::Watches>()) {
  raise_fd_limit();
  if (opt_.fanout < 1) opt_.fanout = 1;
}

Pool::~Pool() { close_all(); }

Pool::Subscription::Subscription(Subscription&& other) noexcept
    : watches_(std::move(other.watches_)), id_(other.id_) {
  other.watches_.reset();
}

Pool::Subscription& Pool::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    release();
    watches_ = std::move(other.watches_);
    id_ = other.id_;
    other.watches_.reset();
  }
  return *this;
}

Pool::Subscription::~Subscription() { release(); }

void Pool::Subscription::release() {
  if (auto w = watches_.lock())
    for (auto it = w->begin(); it != w->end(); ++it)
      if (it->id == id_) {
        w->erase(it);
        break;
      }
  watches_.reset();
}

Pool::Subscription Pool::observe(const std::vector<Endpoint>& nodes, Observer& o) {
  Subscription::Watch w{next_watch_++, {}, &o};
  for (const auto& ep : nodes) w.keys.push_back(ep.key);
  std::sort(w.keys.begin(), w.keys.end());  // emit() looks each event's node up: log n, not n
  watches_->push_back(std::move(w));
  return Subscription(watches_, watches_->back().id);
}

void Pool::emit(const NodeEvent& e) {
  bool taken = false;
  // Newest first: a job started later (dust.run inside a command) sees its nodes' events before an
  // older observer of the same nodes. Index-based, so an observer may unregister another.
  const auto& watches = *watches_;
  for (size_t i = watches.size(); i-- > 0 && !taken;) {
    if (i >= watches.size()) continue;
    const Subscription::Watch& w = watches[i];
    if (std::binary_search(w.keys.begin(), w.keys.end(), e.node.key))
      taken = w.observer->on_event(e);
  }
  sink_.on_event(e, taken);
}

Pool::Entry& Pool::entry_for(const Endpoint& ep) {
  Entry& e = entries_[ep.key];
  if (!e.session || e.session->endpoint().host != ep.host ||
      e.session->endpoint().port != ep.port) {
    if (e.session) e.session->close();
    e.session = std::make_unique<Session>(loop_, opt_, ep, static_cast<SessionObserver&>(*this));
    e.session->set_jumps(&jumps_);
  }
  return e;
}

Pool::Entry* Pool::find(Session& s) {
  auto it = entries_.find(s.endpoint().key);
  return it == entries_.end() || it->second.session.get() != &s ? nullptr : &it->second;
}

int Pool::handshaking() const {
  int n = 0;
  for (const auto& [k, e] : entries_)
    if (e.session && e.session->handshaking() && e.session->state() != Session::State::Setup) ++n;
  return n;
}

void Pool::begin_connect(Entry& e, bool shell) {
  Session& s = *e.session;
  if (s.state() == Session::State::LoggedIn) {  // logged in already: only its shell is missing
    if (shell) s.open_shell();
    return;
  }
  s.set_shell_wanted(shell);
  if (e.queued) return;
  if (e.session->was_used())
    emit({NodeEvent::Kind::Notice, e.session->endpoint(),
          "reconnecting: the previous shell's state (cwd, environment, jobs) was lost"});
  e.queued = true;
  connect_queue_.push_back(e.session->endpoint().key);
  start_queued();
}

void Pool::start_queued() {
  if (starting_) return;  // a session failing synchronously inside start() re-enters here
  starting_ = true;
  while (!connect_queue_.empty() && handshaking() < opt_.fanout) {
    std::string key = connect_queue_.front();
    connect_queue_.pop_front();
    auto it = entries_.find(key);
    if (it == entries_.end() || !it->second.queued) continue;
    it->second.queued = false;
    it->second.session->start();
  }
  starting_ = false;
}

void Pool::backlog(const std::string& key, bool on) {
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.session) it->second.session->set_backlogged(on);
}

std::shared_ptr<Job> Pool::run(const std::vector<Endpoint>& nodes,
                               const std::vector<std::string>& lines, const RunOptions& how) {
  if (lines.size() != 1 && lines.size() != nodes.size())
    throw std::logic_error("Pool::run: one line, or one per node");
  auto job = std::make_shared<Job>();
  job->results_.resize(nodes.size());
  job->remaining_ = nodes.size();
  for (size_t i = 0; i < nodes.size(); ++i) {
    job->results_[i].node = nodes[i].node_label;
    const std::string& line = lines.size() == 1 ? lines[0] : lines[i];
    if (auto f = how.failing.find(nodes[i].key); f != how.failing.end()) {
      job->finish(i, -1, f->second);
      emit({NodeEvent::Kind::Error, nodes[i], f->second});
      continue;
    }
    Entry& e = entry_for(nodes[i]);
    Session& s = *e.session;
    if (s.state() == Session::State::Raw) {
      job->finish(i, -1, "in raw mode");
      emit({NodeEvent::Kind::Error, s.endpoint(), "the session is attached in raw mode"});
      continue;
    }
    bool busy = s.state() == Session::State::Busy ||
                (e.job && e.index < e.job->results_.size() && !e.job->results_[e.index].finished);
    if (busy && how.mode == Send::IdleOnly) {
      job->finish(i, -1, "busy: a command is still running there");
      continue;
    }
    if (!busy) s.set_summarise(how.summarise);  // a new command: its client's flood policy
    // Superseded: this line is the earlier job's input.
    if (e.job && e.job != job) e.job->finish(e.index, -1, "");
    e.job = job;
    e.index = i;
    if (s.usable() && e.pending.empty()) {
      s.send_line(line);
    } else {  // connecting, or earlier lines still wait: after them, in order
      e.pending.push_back(line);
      s.want_shell();  // a kept login's shell starting unasked is asked for now: its failure is
                       // told
      if (how.pipelined && e.pending.size() == 1) s.pipeline(line);
      if (!s.usable() && !s.handshaking()) begin_connect(e);
    }
  }
  return job;
}

std::vector<std::string> Pool::busy_nodes() const {
  std::vector<std::string> out;
  for (const auto& [k, e] : entries_)
    if (e.job && !e.job->results()[e.index].finished) out.push_back(e.job->results()[e.index].node);
  return out;
}

size_t Pool::connecting() const {
  size_t n = 0;
  for (const auto& [k, e] : entries_)
    if (e.queued || (e.session && e.session->handshaking())) ++n;
  return n;
}

bool Pool::interrupt(Entry& e) {
  if (!e.session) return false;
  if (e.session->state() == Session::State::Busy) {
    e.session->interrupt();
    return true;
  }
  if (e.pending.empty()) return false;
  if (e.session->pipelined_in_flight()) {
    // Sent behind the setup line, not known yet to run: a ^C now could flush it from the pty's
    // input or stop the shell's startup, so the outcome would be unknowable. The connection goes
    // (the shell gets SIGHUP, whatever it started), and the node says so.
    e.session->close();
    drop_pending(e);
    if (e.job && !e.job->results_[e.index].finished)
      e.job->finish(e.index, -1,
                    "interrupted while its shell started (the command may have begun)");
    return true;
  }
  // Still connecting: the line was never sent, and must not be once the shell is ready.
  drop_pending(e);
  if (e.job && !e.job->results_[e.index].finished)
    e.job->finish(e.index, -1, "interrupted before it was sent");
  return true;
}

int Pool::interrupt(const Job& job) {
  int n = 0;
  for (auto& [k, e] : entries_)
    if (e.job.get() == &job && !job.results_[e.index].finished && interrupt(e)) ++n;
  start_queued();  // a closed login frees its handshake slot
  return n;
}

int Pool::interrupt(const std::vector<Endpoint>& nodes) {
  int n = 0;
  auto hit = [&](Entry& e) {
    if (interrupt(e)) ++n;
  };
  if (nodes.empty()) {
    for (auto& [k, e] : entries_) hit(e);
  } else {
    for (const auto& ep : nodes)
      if (auto it = entries_.find(ep.key); it != entries_.end()) hit(it->second);
  }
  start_queued();  // a closed login frees its handshake slot
  return n;
}

void Pool::close_all() {
  for (auto& [k, e] : entries_) {
    if (e.job) e.job->finish(e.index, -1, "closed");
    if (e.session) e.session->close();
    drop_pending(e);
  }
  entries_.clear();
  connect_queue_.clear();
  jumps_.close_all();
}

bool Pool::send_secret(const Endpoint& node, const std::string& secret) {
  auto it = entries_.find(node.key);
  return it != entries_.end() && it->second.session && it->second.session->send_secret(secret);
}

bool Pool::host_key_changed(const Endpoint& node) const {
  auto it = entries_.find(node.key);
  return it != entries_.end() && it->second.session && it->second.session->host_key_changed();
}

Session* Pool::ready_session(const Endpoint& ep, std::string* err, bool busy_ok,
                             const std::function<bool()>& stop) {
  Entry& e = entry_for(ep);
  if (e.session->state() == Session::State::Busy) {
    if (busy_ok) return e.session.get();  // raw mode attaches; the job keeps its observers
    *err = "a command is still running in its shell (wait for it to end, or `intr` it)";
    return nullptr;
  }
  if (!e.session->handshaking() && !e.session->usable()) begin_connect(e);
  Session* s = e.session.get();
  auto given_up = [&] { return stop && stop(); };
  loop_.run_until([&] { return s->usable() || s->ended() || given_up(); },
                  std::chrono::milliseconds(50));
  if (s->state() != Session::State::Ready) {
    *err = s->ended() ? "could not connect" : given_up() ? "interrupted" : "the session is busy";
    return nullptr;
  }
  return s;
}

Session* Pool::logged_in_session(const Endpoint& ep, std::string* err,
                                 const std::function<bool()>& stop) {
  Entry& e = entry_for(ep);
  Session* s = e.session.get();
  if (s->state() == Session::State::Busy) return ready_session(ep, err);  // refused, saying why
  if (!s->handshaking() && !s->usable() && !s->logged_in()) begin_connect(e, false);
  auto given_up = [&] { return stop && stop(); };
  loop_.run_until([&] { return s->logged_in() || s->ended() || given_up(); },
                  std::chrono::milliseconds(50));
  if (!s->logged_in() || s->state() == Session::State::Raw) {
    *err = s->ended() ? "could not connect" : given_up() ? "interrupted" : "the session is busy";
    return nullptr;
  }
  return s;
}

void Pool::connect(const std::vector<Endpoint>& nodes, bool shell) {
  for (const auto& ep : nodes) {
    Entry& e = entry_for(ep);
    Session& s = *e.session;
    // Not yet logged in, and no line waits for its shell (another client's command): none.
    if (!shell && s.state() < Session::State::LoggedIn && e.pending.empty())
      s.set_shell_wanted(false);
    if (!s.handshaking() && !s.usable() && !s.logged_in()) begin_connect(e, shell);
  }
}

void Pool::on_logged_in(Session& s) {
  // A line came for it meanwhile (another client's command, in a server): its shell, now.
  if (Entry* e = find(s); e && !e->pending.empty()) s.open_shell();
  start_queued();
}

void Pool::prepare(const std::vector<Endpoint>& nodes) {
  for (const auto& ep : nodes) {
    if (entries_.count(ep.key)) continue;
    Entry& e = entry_for(ep);
    e.session->set_held(true);
    begin_connect(e);
  }
}

namespace {
bool same_endpoint(const Endpoint& a, const Endpoint& b) {
  return a.host == b.host && a.port == b.port && a.user == b.user && a.keyfile == b.keyfile &&
         a.key_name == b.key_name && a.proxy_jump == b.proxy_jump &&
         a.default_jump == b.default_jump && a.node_label == b.node_label;
}
}  // namespace

void Pool::confirm(const std::vector<Endpoint>& fresh) {
  std::unordered_map<std::string, const Endpoint*> by_key;
  for (const auto& ep : fresh) by_key[ep.key] = &ep;
  std::vector<std::string> gone;
  for (auto& [key, e] : entries_) {
    if (!e.session || !e.session->held()) continue;
    auto it = by_key.find(key);
    if (it != by_key.end() && same_endpoint(*it->second, e.session->endpoint())) {
      log::debug("ssh {}: confirmed by EC2, connecting on", e.session->endpoint().node_label);
      e.session->set_held(false);
    } else {
      log::debug("ssh {}: not confirmed by EC2 (gone, moved or not selected): closed",
                 e.session->endpoint().node_label);
      e.session->close();
      gone.push_back(key);
    }
  }
  for (const auto& key : gone) entries_.erase(key);  // their queue places are skipped
  start_queued();
}

void Pool::on_ready(Session& s) {
  Entry* e = find(s);
  if (!e) return;
  // The command now; lines typed after it are its input, sent a moment later: a shell reading its
  // next command from a buffer that already holds them would run them as commands instead.
  if (e->pending.empty()) return start_queued();
  if (s.take_pipelined()) {
    e->pending.erase(e->pending.begin());  // already running (Session::pipeline)
  } else {
    s.send_line(e->pending.front());
    e->pending.erase(e->pending.begin());
  }
  if (!e->pending.empty() && !e->input_timer) {
    std::string key = s.endpoint().key;
    e->input_timer =
        loop_.after(std::chrono::milliseconds(200), [this, key] { send_pending_input(key); });
  }
  start_queued();
}

void Pool::send_pending_input(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  e.input_timer = 0;
  std::vector<std::string> lines = std::exchange(e.pending, {});
  if (!e.session || !e.session->usable()) return;
  for (const std::string& line : lines) e.session->send_line(line);
}

void Pool::drop_pending(Entry& e) {
  e.pending.clear();
  if (e.session) e.session->drop_pipelined();
  if (e.input_timer) loop_.cancel(e.input_timer), e.input_timer = 0;
}

void Pool::on_line(Session& s, std::string_view raw) {
  if (find(s)) emit({NodeEvent::Kind::Line, s.endpoint(), util::terminal_line(raw), -1, raw});
}

void Pool::on_partial(Session& s, std::string_view raw) {
  if (find(s)) emit({NodeEvent::Kind::Partial, s.endpoint(), util::terminal_line(raw), -1, raw});
}

void Pool::on_done(Session& s, int status) {
  Entry* e = find(s);
  if (!e) return;
  emit({NodeEvent::Kind::Done, s.endpoint(), {}, status});
  if (e->job) e->job->finish(e->index, status, "");
}

void Pool::on_notice(Session& s, const std::string& msg) {
  if (find(s)) emit({NodeEvent::Kind::Notice, s.endpoint(), msg});
}

void Pool::on_closed(Session& s, const std::string& error) {
  Entry* e = find(s);
  if (!e) return;
  drop_pending(*e);
  if (s.held()) {
    // Speculative (prepare): a node the cache knew may be gone; confirm() decides, quietly.
    log::debug("ssh {}: speculative connection failed: {}", s.endpoint().node_label, error);
    return start_queued();
  }
  if (s.unasked_shell() && e->pending.empty() && !e->job) {
    // The shell a transfer's login was given for later commands (a login shell whose startup
    // file exits, say): nobody asked for it, so nobody is told now; the next command there
    // connects again and says what fails.
    log::debug("ssh {}: kept login's shell failed: {}", s.endpoint().node_label, error);
    return start_queued();
  }
  if (error.empty())
    emit({NodeEvent::Kind::Notice, s.endpoint(), "session closed"});
  else
    emit({NodeEvent::Kind::Error, s.endpoint(), error});
  if (e->job) e->job->finish(e->index, error.empty() ? 0 : -1, error);
  start_queued();
}

}  // namespace dust::ssh
