// Pool: session bookkeeping, bounded handshakes, routing session events to jobs and listeners.
#include "ssh/pool.h"

#include <sys/resource.h>

namespace dust::ssh {

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

bool Job::all_ok() const {
  for (const auto& r : results_)
    if (!r.error.empty() || r.status != 0) return false;
  return true;
}

void Job::finish(size_t i, int status, const std::string& error) {
  if (i >= results_.size() || results_[i].finished) return;
  results_[i].finished = true;
  results_[i].status = status;
  results_[i].error = error;
  --remaining_;
}

Pool::Pool(EventLoop& loop, Options opt) : loop_(loop), opt_(std::move(opt)) {
  raise_fd_limit();
  if (opt_.fanout < 1) opt_.fanout = 1;
}

Pool::~Pool() { close_all(); }

Pool::Entry& Pool::entry_for(const Endpoint& ep) {
  Entry& e = entries_[ep.key];
  if (!e.session || e.session->endpoint().host != ep.host || e.session->endpoint().port != ep.port) {
    if (e.session) e.session->close();
    e.session = std::make_unique<Session>(loop_, opt_, ep, static_cast<SessionObserver&>(*this));
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

void Pool::begin_connect(Entry& e) {
  if (e.queued) return;
  if (e.session->was_used() && e.listener)
    e.listener->on_notice(e.session->endpoint().node_label,
                          "reconnecting: the previous shell's state (cwd, environment, jobs) was lost");
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

std::shared_ptr<Job> Pool::run(const std::vector<Endpoint>& nodes, const std::string& line, Listener& l) {
  auto job = std::make_shared<Job>();
  job->results_.resize(nodes.size());
  job->remaining_ = nodes.size();
  for (size_t i = 0; i < nodes.size(); ++i) {
    job->results_[i].node = nodes[i].node_label;
    Entry& e = entry_for(nodes[i]);
    if (e.job && e.job != job) e.job->finish(e.index, -1, "");  // superseded: this line is its input
    e.listener = &l;
    e.job = job;
    e.index = i;
    Session& s = *e.session;
    if (s.state() == Session::State::Raw) {
      job->finish(i, -1, "in raw mode");
      l.on_error(nodes[i].node_label, "the session is attached in raw mode");
    } else if (s.usable()) {
      s.send_line(line);
    } else {
      e.pending += line;
      e.pending += '\n';
      if (!s.handshaking()) begin_connect(e);
    }
  }
  return job;
}

bool Pool::busy() const {
  for (const auto& [k, e] : entries_)
    if (e.job && !e.job->done()) return true;
  return false;
}

int Pool::interrupt(const std::vector<Endpoint>& nodes) {
  int n = 0;
  auto hit = [&](Entry& e) {
    if (e.session && e.session->state() == Session::State::Busy) e.session->interrupt(), ++n;
  };
  if (nodes.empty()) {
    for (auto& [k, e] : entries_) hit(e);
  } else {
    for (const auto& ep : nodes)
      if (auto it = entries_.find(ep.key); it != entries_.end()) hit(it->second);
  }
  return n;
}

void Pool::close_all() {
  for (auto& [k, e] : entries_) {
    if (e.job) e.job->finish(e.index, -1, "closed");
    if (e.session) e.session->close();
  }
  entries_.clear();
  connect_queue_.clear();
}

size_t Pool::open_sessions() const {
  size_t n = 0;
  for (const auto& [k, e] : entries_)
    if (e.session && (e.session->usable() || e.session->state() == Session::State::Raw)) ++n;
  return n;
}

Session* Pool::ready_session(const Endpoint& ep, Listener& l, std::string* err, bool busy_ok) {
  Entry& e = entry_for(ep);
  if (e.session->state() == Session::State::Busy) {
    if (busy_ok) return e.session.get();  // raw mode attaches; the job keeps its listener
    *err = "a command is still running there";
    return nullptr;
  }
  e.listener = &l;
  if (!e.session->handshaking() && !e.session->usable()) begin_connect(e);
  std::string failure;
  Session* s = e.session.get();
  loop_.run_until([&] { return s->usable() || s->ended(); }, std::chrono::milliseconds(50));
  if (s->state() != Session::State::Ready) {
    *err = s->ended() ? "could not connect" : "the session is busy";
    return nullptr;
  }
  return s;
}

void Pool::connect(const std::vector<Endpoint>& nodes, Listener& l) {
  for (const auto& ep : nodes) {
    Entry& e = entry_for(ep);
    e.listener = &l;
    const Session& s = *e.session;
    if (!s.handshaking() && !s.usable() && s.state() != Session::State::Raw) begin_connect(e);
  }
}

void Pool::on_ready(Session& s) {
  Entry* e = find(s);
  if (!e) return;
  if (!e->pending.empty()) {
    std::string p = std::move(e->pending);
    e->pending.clear();
    if (p.back() == '\n') p.pop_back();
    s.send_line(p);
  }
  start_queued();
}

void Pool::on_line(Session& s, std::string_view text) {
  if (Entry* e = find(s); e && e->listener) e->listener->on_line(s.endpoint().node_label, text);
}

void Pool::on_partial(Session& s, std::string_view text) {
  if (Entry* e = find(s); e && e->listener) e->listener->on_partial(s.endpoint().node_label, text);
}

void Pool::on_done(Session& s, int status) {
  Entry* e = find(s);
  if (!e) return;
  if (e->listener) e->listener->on_done(s.endpoint().node_label, status);
  if (e->job) e->job->finish(e->index, status, "");
}

void Pool::on_notice(Session& s, const std::string& msg) {
  if (Entry* e = find(s); e && e->listener) e->listener->on_notice(s.endpoint().node_label, msg);
}

void Pool::on_closed(Session& s, const std::string& error) {
  Entry* e = find(s);
  if (!e) return;
  e->pending.clear();
  const std::string& label = s.endpoint().node_label;
  if (e->listener) {
    if (error.empty())
      e->listener->on_notice(label, "session closed");
    else
      e->listener->on_error(label, error);
  }
  if (e->job) e->job->finish(e->index, error.empty() ? 0 : -1, error);
  start_queued();
}

}  // namespace dust::ssh
