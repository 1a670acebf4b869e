// JumpHost: the jump session's non-blocking handshake, its direct-tcpip channels and the pumping of
// bytes between each channel and its node's socketpair; Jumps: one JumpHost per chain prefix.
#include "ssh/jump.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "ssh/connect_options.h"
#include "ssh/host_keys.h"
#include "util/log.h"

namespace dust::ssh {

using namespace std::chrono_literals;

namespace {
// Bytes buffered per tunnel and direction before dust stops taking more (ssh flow control then
// slows the sender): a slow node cannot make the jump session hoard memory.
constexpr size_t kMaxPending = 1u << 20;
constexpr size_t kReadChunk = 32768;
constexpr int kPollRounds = 64;  // libssh reads 4 KiB per poll; bounded work per loop turn

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd), fd = -1;
}
}  // namespace

bool parse_hop(const std::string& hop, std::string* user, std::string* host, int* port) {
  std::string rest = hop;
  if (rest.rfind("ssh://", 0) == 0) rest.erase(0, 6);
  user->clear();
  *port = 0;
  if (size_t at = rest.rfind('@'); at != std::string::npos) {
    *user = rest.substr(0, at);
    rest.erase(0, at + 1);
    if (user->empty()) return false;
  }
  std::string p;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) return false;
    *host = rest.substr(1, close - 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return false;
      p = after.substr(1);
      if (p.empty()) return false;
    }
  } else if (size_t colon = rest.find(':'); colon != std::string::npos) {
    *host = rest.substr(0, colon);
    p = rest.substr(colon + 1);
    if (p.empty()) return false;
  } else {
    *host = rest;
  }
  if (host->empty() || host->find_first_of(" \t/") != std::string::npos) return false;
  if (!p.empty()) {
    if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
    *port = std::stoi(p);
    if (*port < 1 || *port > 65535) return false;
  }
  return true;
}

Tunnel::~Tunnel() {
  close_fd(local_fd_);
  close_fd(node_fd_);
}

std::string Tunnel::waiting_for() const {
  if (state_ == State::Waiting) return fmt::format("jump host {} is not connected", jump_);
  if (state_ == State::Opening)
    return fmt::format("jump host {} got no answer from {}:{}", jump_, host_, port_);
  return fmt::format("through jump host {}", jump_);
}

JumpHost::JumpHost(EventLoop& loop, const Options& opt, Post post, std::string chain,
                   const std::string& hop, JumpHost* via)
    : loop_(loop), opt_(opt), post_(std::move(post)), chain_(std::move(chain)), name_(hop) {
  std::string user, host;
  int port = 0;
  if (!parse_hop(hop, &user, &host, &port)) {
    // Reported from the loop to each tunnel opened meanwhile, like any failure.
    tick_ = loop_.after(0ms, [this] {
      tick_ = 0;
      fail("not a ProxyJump host (expected [user@]host[:port])");
    });
    return;
  }
  host_ = host;
  ssh_ = ssh_new();
  Endpoint ep;
  ep.node_label = "jump " + hop;
  ep.key = chain_;
  ep.host = host;
  ep.user = user;
  ep.port = port;
  ep.jump_host = true;
  ConnectSettings cs = configure_session(ssh_, ep, opt_);
  if (!cs.error.empty()) {
    tick_ = loop_.after(0ms, [this, e = cs.error] {
      tick_ = 0;
      fail(e);
    });
    return;
  }
  // dust's log belongs to the main thread: libssh's messages from here would race with it.
  int quiet = SSH_LOG_NOLOG;
  ssh_options_set(ssh_, SSH_OPTIONS_LOG_VERBOSITY, &quiet);
  strict_ = cs.strict;
  known_hosts_ = cs.known_hosts;
  auth_ = PublicKeyAuth(cs.identities, cs.agent_sock);
  if (via) {
    // The next hop's real address after the ssh config (HostName, Port), reached through `via`.
    via_ = via->open(cs.hostname, cs.port);
    via_->on_error = [this](const std::string& m) { fail(m); };
    socket_t fd = via_->take_node_fd();
    ssh_options_set(ssh_, SSH_OPTIONS_FD, &fd);
  }
  deadline_ = loop_.after(std::chrono::seconds(cs.connect_timeout_s), [this, cs] {
    deadline_ = 0;
    if (!ready_)
      fail(fmt::format("{} timed out after {} s",
                       ssh_get_serverbanner(ssh_) ? "ssh handshake" : "connection",
                       cs.connect_timeout_s));
  });
  tick_ = loop_.after(0ms, [this] { tick_ = 0, step(); });  // never inside the caller's stack
}

JumpHost::~JumpHost() {
  for (auto* t : {&deadline_, &tick_, &keepalive_})
    if (*t) loop_.cancel(*t), *t = 0;
  if (via_) via_->on_error = nullptr;
  if (fd_ >= 0) loop_.unwatch(fd_);
  for (auto& t : tunnels_) {
    if (t->local_fd_ >= 0) loop_.unwatch(t->local_fd_);
    t->ch_ = nullptr;  // freed with the session
    t->state_ = Tunnel::State::Closed;
  }
  if (event_) ssh_event_remove_session(event_, ssh_), ssh_event_free(event_);
  if (ssh_) {
    if (ssh_is_connected(ssh_)) ssh_disconnect(ssh_);
    ssh_free(ssh_);
  }
}

std::shared_ptr<Tunnel> JumpHost::open(const std::string& host, int port) {
  std::shared_ptr<Tunnel> t(new Tunnel(name_, host, port));
  t->internal_ = true;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
    t->state_ = Tunnel::State::Closed;
    notify(t, fmt::format("jump host {}: socketpair: {}", name_, std::strerror(errno)));
    return t;
  }
  t->local_fd_ = sv[0];
  t->node_fd_ = sv[1];
  adopt(t);
  return t;
}

void JumpHost::adopt(std::shared_ptr<Tunnel> t) {
  if (failed_) {
    // Opened on a session that already failed (a chain's previous hop being replaced).
    t->state_ = Tunnel::State::Closed;
    notify(t, fmt::format("jump host {}: not connected", name_));
    return;
  }
  tunnels_.push_back(t);
  Tunnel* tp = t.get();
  loop_.watch(t->local_fd_, POLLIN, [this, tp](short revents) { on_local(*tp, revents); });
  if (ready_) open_channel(*tp);
}

void JumpHost::debug(std::string msg) {
  if (log::level() >= log::Level::Debug) post_([msg = std::move(msg)] { log::debug("{}", msg); });
}

void JumpHost::notify(std::shared_ptr<Tunnel> t, const std::string& why) {
  auto deliver = [t, why] {
    if (auto f = std::exchange(t->on_error, nullptr)) f(why);
    close_fd(t->local_fd_);  // after the message: the node must not see a bare end of file first
  };
  if (t->internal_)
    loop_.after(0ms, deliver);
  else
    post_(deliver);
}

void JumpHost::step() {
  if (in_step_ || failed_ || !ssh_) return;
  in_step_ = true;
  bool ok = true;
  if (phase_ != Phase::Ready) ok = handshake();
  if (ok && !failed_ && phase_ == Phase::Ready) pump();
  in_step_ = false;
  if (failed_) return;
  update_watch();
  // As in Session::step: libssh may hold a reply in its buffers while the socket stays quiet.
  if (phase_ != Phase::Ready && !tick_) tick_ = loop_.after(10ms, [this] { tick_ = 0, step(); });
}

bool JumpHost::handshake() {
  for (;;) {
    if (phase_ == Phase::Connecting) {
      int rc = ssh_connect(ssh_);
      if (fd_ < 0 && ssh_get_fd(ssh_) >= 0) {
        fd_ = ssh_get_fd(ssh_);
        loop_.watch(fd_, POLLIN | POLLOUT, [this](short) { step(); });
      }
      if (rc == SSH_AGAIN) return true;
      if (rc != SSH_OK)
        return fail(fmt::format("cannot connect to {}: {}", host_, ssh_get_error(ssh_))), false;
      std::string err, notice;
      bool changed = false;
      bool ok = verify_host_key(ssh_, strict_, known_hosts_, "jump host " + name_, &err, &notice,
                                &changed);
      // A changed jump host key under StrictHostKeyChecking no: warned (the nodes behind it are
      // still checked end to end against their own keys).
      if (changed)
        post_([m = fmt::format("jump host {}: {}", name_, notice)] { log::warn("{}", m); });
      else if (!notice.empty())
        post_([m = fmt::format("jump host {}: {}", name_, notice)] { log::info("{}", m); });
      if (!ok) return fail(err), false;
      phase_ = Phase::Auth;
      continue;
    }
    if (phase_ == Phase::Auth) {
      int rc = auth_.step(ssh_);
      if (rc == SSH_AUTH_AGAIN) return true;
      if (rc != SSH_AUTH_SUCCESS) return fail(auth_.failure(ssh_, host_, rc)), false;
      phase_ = Phase::Ready;
      ready_ = true;
      if (deadline_) loop_.cancel(deadline_), deadline_ = 0;
      event_ = ssh_event_new();
      ssh_event_add_session(event_, ssh_);
      debug(fmt::format("jump host {}: ready, {} channel(s) to open", name_, tunnels_.size()));
      auto ts = tunnels_;
      for (auto& t : ts)
        if (t->state_ == Tunnel::State::Waiting) open_channel(*t);
      arm_keepalive();
      return true;
    }
    return true;
  }
}

void JumpHost::arm_keepalive() {
  if (opt_.keepalive_s <= 0) return;
  keepalive_ = loop_.after(std::chrono::seconds(opt_.keepalive_s), [this] {
    keepalive_ = 0;
    if (failed_) return;
    ssh_send_ignore(ssh_, "");  // surfaces a dead jump host while its nodes are idle
    step();
    if (!failed_) arm_keepalive();
  });
}

void JumpHost::pump() {
  // Acknowledge at once what arrives. sshd leaves Nagle on for a connection that only forwards
  // (it turns it off on a pty request), so while one reply to dust is unacknowledged the next
  // nodes' replies wait in its socket; a delayed ACK (40 ms on Linux) would hold them all. Linux
  // clears the flag by itself, so it is set again on every turn.
  if (int one = 1; fd_ >= 0 && !via_) setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
  // Packets in: the channel callbacks take each channel's data into its tunnel.
  for (int i = 0; i < kPollRounds; ++i)
    if (ssh_event_dopoll(event_, 0) != SSH_OK) break;
  if (!ssh_is_connected(ssh_) || (ssh_get_status(ssh_) & (SSH_CLOSED | SSH_CLOSED_ERROR))) {
    std::string why = ssh_get_error(ssh_);
    return fail(fmt::format("connection lost{}", why.empty() ? "" : ": " + why));
  }
  auto ts = tunnels_;
  for (auto& t : ts) {
    if (failed_) return;
    advance(*t);
  }
  if (!failed_) ask_nodelay();
  if (!failed_) ssh_blocking_flush(ssh_, 0);
}

void JumpHost::ask_nodelay() {
  if (nodelay_ == NoDelay::Done || via_) return;  // a later hop's sshd does not write to dust
  if (!nodelay_ch_ && !(nodelay_ch_ = ssh_channel_new(ssh_))) {
    nodelay_ = NoDelay::Done;
    return;
  }
  int rc = SSH_OK;
  if (nodelay_ == NoDelay::Open && (rc = ssh_channel_open_session(nodelay_ch_)) == SSH_OK)
    nodelay_ = NoDelay::Pty;
  if (nodelay_ == NoDelay::Pty && rc == SSH_OK &&
      (rc = ssh_channel_request_pty_size(nodelay_ch_, "dumb", 80, 24)) == SSH_OK)
    nodelay_ = NoDelay::Exec;
  // `cat` waits for input that never comes; it ends with the connection.
  if (nodelay_ == NoDelay::Exec && rc == SSH_OK &&
      (rc = ssh_channel_request_exec(nodelay_ch_, "exec cat")) == SSH_OK) {
    nodelay_ = NoDelay::Done;
    debug(fmt::format("jump host {}: a pty session asks its sshd for no-Nagle", name_));
  }
  if (rc == SSH_ERROR) {
    debug(fmt::format("jump host {}: no pty session ({}): its sshd keeps Nagle", name_,
                      ssh_get_error(ssh_)));
    nodelay_ = NoDelay::Done;
  }
}

void JumpHost::open_channel(Tunnel& t) {
  if (!t.ch_) {
    t.ch_ = ssh_channel_new(ssh_);
    ssh_callbacks_init(&t.cb_);
    t.cb_.userdata = &t;
    t.cb_.channel_data_function = &JumpHost::on_data;
    t.cb_.channel_eof_function = &JumpHost::on_eof;
    t.cb_.channel_close_function = &JumpHost::on_eof;
    ssh_set_channel_callbacks(t.ch_, &t.cb_);
    t.state_ = Tunnel::State::Opening;
  }
  int rc = ssh_channel_open_forward(t.ch_, t.host_.c_str(), t.port_, "127.0.0.1", 0);
  if (rc == SSH_AGAIN) return;
  if (rc == SSH_OK) {
    t.state_ = Tunnel::State::Open;
    debug(fmt::format("jump host {}: channel to {}:{} open", name_, t.host_, t.port_));
    return;
  }
  std::string why = fmt::format("jump host {} cannot reach {}:{}: {}", name_, t.host_, t.port_,
                                ssh_get_error(ssh_));
  ssh_channel_free(t.ch_);
  t.ch_ = nullptr;
  auto keep =
      std::find_if(tunnels_.begin(), tunnels_.end(), [&](auto& p) { return p.get() == &t; });
  std::shared_ptr<Tunnel> tp = keep != tunnels_.end() ? *keep : nullptr;
  if (t.local_fd_ >= 0) loop_.unwatch(t.local_fd_);
  int fd = std::exchange(t.local_fd_, -1);  // closed after the message (notify)
  close_tunnel(t);
  if (tp) {
    tp->local_fd_ = fd;
    notify(tp, why);
  } else {
    close_fd(fd);
  }
}

void JumpHost::advance(Tunnel& t) {
  if (t.state_ == Tunnel::State::Opening) open_channel(t);
  if (t.state_ == Tunnel::State::Waiting && t.node_gone_) return close_tunnel(t);
  if (t.state_ != Tunnel::State::Open) return;
  while (!t.to_remote_.empty()) {
    int n =
        ssh_channel_write(t.ch_, t.to_remote_.data(), static_cast<uint32_t>(t.to_remote_.size()));
    if (n == SSH_ERROR) return close_tunnel(t);
    if (n <= 0) break;  // the remote window is full: more once it grows
    t.to_remote_.erase(0, n);
  }
  if (!t.to_node_.empty()) write_local(t);
  if ((t.node_gone_ && t.to_remote_.empty()) || (t.remote_eof_ && t.to_node_.empty()))
    return close_tunnel(t);
  short ev = 0;
  if (!t.node_gone_ && t.to_remote_.size() < kMaxPending) ev |= POLLIN;
  if (!t.to_node_.empty()) ev |= POLLOUT;
  loop_.set_events(t.local_fd_, ev);
}

void JumpHost::on_local(Tunnel& t, short revents) {
  if (failed_ || t.state_ == Tunnel::State::Closed) return;
  if (revents & POLLOUT) write_local(t);
  if ((revents & (POLLIN | POLLHUP | POLLERR)) && !t.node_gone_ &&
      t.to_remote_.size() < kMaxPending) {
    char buf[kReadChunk];
    ssize_t n = ::read(t.local_fd_, buf, sizeof buf);
    if (n > 0)
      t.to_remote_.append(buf, static_cast<size_t>(n));
    else if (n == 0 || (errno != EAGAIN && errno != EINTR))
      t.node_gone_ = true;  // the node's session closed its end
  }
  advance(t);
  if (!failed_ && ready_) {
    ssh_blocking_flush(ssh_, 0);
    update_watch();
  }
}

void JumpHost::write_local(Tunnel& t) {
  while (!t.to_node_.empty()) {
    ssize_t n = ::write(t.local_fd_, t.to_node_.data(), t.to_node_.size());
    if (n > 0) {
      t.to_node_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    t.node_gone_ = true;  // EPIPE: the node closed its end
    t.to_node_.clear();
    break;
  }
  // What on_data left inside libssh (the buffer was full) is taken once there is room again.
  if (t.to_node_.empty() && t.ch_ && t.state_ == Tunnel::State::Open && !t.node_gone_) {
    char buf[kReadChunk];
    while (t.to_node_.size() < kMaxPending) {
      int n = ssh_channel_read_nonblocking(t.ch_, buf, sizeof buf, 0);
      if (n <= 0) break;
      t.to_node_.append(buf, static_cast<size_t>(n));
    }
  }
}

int JumpHost::on_data(ssh_session, ssh_channel, void* data, uint32_t len, int, void* userdata) {
  auto& t = *static_cast<Tunnel*>(userdata);
  if (t.node_gone_) return static_cast<int>(len);  // nobody to read it
  if (t.to_node_.size() >= kMaxPending) return 0;  // left in libssh; its window stops the sender
  t.to_node_.append(static_cast<const char*>(data), len);
  return static_cast<int>(len);
}

void JumpHost::on_eof(ssh_session, ssh_channel, void* userdata) {
  static_cast<Tunnel*>(userdata)->remote_eof_ = true;
}

void JumpHost::close_tunnel(Tunnel& t) {
  if (t.ch_) {
    // Freed later by libssh if the open is still pending or the remote has not closed yet.
    if (t.state_ == Tunnel::State::Opening) return;  // freed when the open completes (advance)
    ssh_channel_free(t.ch_);
    t.ch_ = nullptr;
  }
  t.state_ = Tunnel::State::Closed;
  if (t.local_fd_ >= 0) loop_.unwatch(t.local_fd_);
  close_fd(t.local_fd_);
  tunnels_.erase(
      std::remove_if(tunnels_.begin(), tunnels_.end(), [&](auto& p) { return p.get() == &t; }),
      tunnels_.end());
}

void JumpHost::update_watch() {
  if (fd_ < 0 || !ssh_) return;
  short ev = POLLIN;
  if (ssh_get_poll_flags(ssh_) & SSH_WRITE_PENDING) ev |= POLLOUT;
  if (phase_ == Phase::Connecting && !ssh_is_connected(ssh_)) ev |= POLLOUT;
  loop_.set_events(fd_, ev);
}

void JumpHost::fail(const std::string& msg) {
  if (failed_) return;
  failed_ = true;
  ready_ = false;
  std::string why = fmt::format("jump host {}: {}", name_, msg);
  debug(why);
  for (auto* t : {&deadline_, &tick_, &keepalive_})
    if (*t) loop_.cancel(*t), *t = 0;
  if (fd_ >= 0) loop_.unwatch(fd_), fd_ = -1;
  auto ts = std::move(tunnels_);
  tunnels_.clear();
  for (auto& t : ts) {
    if (t->local_fd_ >= 0) loop_.unwatch(t->local_fd_);
    t->ch_ = nullptr;  // freed with the session below
    t->state_ = Tunnel::State::Closed;
  }
  if (event_) ssh_event_remove_session(event_, ssh_), ssh_event_free(event_), event_ = nullptr;
  if (ssh_) {
    if (ssh_is_connected(ssh_)) ssh_disconnect(ssh_);
    ssh_free(ssh_);
    ssh_ = nullptr;
  }
  if (via_) via_->on_error = nullptr, via_.reset();
  // The nodes hear it on their loop (not inside whoever called fail), then their ends close.
  for (auto& t : ts) notify(t, why);
}

Jumps::Jumps(EventLoop& main, const Options& opt) : main_(main), opt_(opt) {}

Jumps::~Jumps() {
  if (!thread_.joinable()) return;
  stop_ = true;
  char c = 0;
  (void)!::write(to_io_[1], &c, 1);
  thread_.join();
  main_.unwatch(to_main_[0]);
  for (int* p : {to_io_, to_main_}) close_fd(p[0]), close_fd(p[1]);
}

void Jumps::start() {
  if (thread_.joinable()) return;
  if (pipe2(to_io_, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2(to_main_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error(fmt::format("jump hosts: pipe: {}", std::strerror(errno)));
  main_.watch(to_main_[0], POLLIN, [this](short) { on_main_wake(); });
  // Signals stay with the main thread (Ctrl-C, SIGWINCH, SIGCONT have their handlers there).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void Jumps::run() {
  io_ = std::make_unique<EventLoop>();
  io_->watch(to_io_[0], POLLIN, [this](short) {
    char buf[256];
    while (::read(to_io_[0], buf, sizeof buf) > 0) {
    }
    std::vector<Request> reqs;
    {
      std::lock_guard<std::mutex> lock(mu_);
      reqs.swap(requests_);
    }
    for (auto& r : reqs) {
      if (r.chain.empty()) {
        hosts_.clear();
        retired_.clear();
        continue;
      }
      std::vector<std::string> hops;
      size_t start = 0;
      for (;;) {
        size_t comma = r.chain.find(',', start);
        std::string h = r.chain.substr(start, comma == std::string::npos ? comma : comma - start);
        h.erase(0, h.find_first_not_of(" \t"));
        h.erase(h.find_last_not_of(" \t") + 1);
        hops.push_back(h);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      hop(hops, hops.size())->adopt(std::move(r.tunnel));
    }
  });
  io_->set_after_turn([this] {
    int n = 0;
    for (const auto& [k, h] : hosts_)
      if (h && h->ready()) ++n;
    connected_ = n;
  });
  while (!stop_) io_->run_once(std::chrono::milliseconds(500));
  hosts_.clear();
  retired_.clear();
  io_.reset();
}

void Jumps::post_main(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for_main_.push_back(std::move(fn));
  }
  char c = 0;
  (void)!::write(to_main_[1], &c, 1);
}

void Jumps::on_main_wake() {
  char buf[256];
  while (::read(to_main_[0], buf, sizeof buf) > 0) {
  }
  std::vector<std::function<void()>> fns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fns.swap(for_main_);
  }
  for (auto& f : fns) f();
}

std::shared_ptr<Tunnel> Jumps::open(const std::string& chain, const std::string& host, int port) {
  start();
  std::string last = chain.substr(chain.rfind(',') == std::string::npos ? 0 : chain.rfind(',') + 1);
  std::shared_ptr<Tunnel> t(new Tunnel(last, host, port));
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
    t->state_ = Tunnel::State::Closed;
    std::string why = fmt::format("jump host {}: socketpair: {}", last, std::strerror(errno));
    main_.after(0ms, [t, why] {
      if (auto f = std::exchange(t->on_error, nullptr)) f(why);
    });
    return t;
  }
  t->local_fd_ = sv[0];
  t->node_fd_ = sv[1];
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({chain, t});
  }
  char c = 0;
  (void)!::write(to_io_[1], &c, 1);
  return t;
}

JumpHost* Jumps::hop(const std::vector<std::string>& hops, size_t n) {
  std::string key;
  for (size_t i = 0; i < n; ++i) key += (i ? "," : "") + hops[i];
  auto& slot = hosts_[key];
  if (slot && !slot->failed()) return slot.get();
  JumpHost* via = n > 1 ? hop(hops, n - 1) : nullptr;
  if (slot) retired_.push_back(std::move(slot));
  slot = std::make_unique<JumpHost>(
      *io_, opt_, [this](std::function<void()> fn) { post_main(std::move(fn)); }, key, hops[n - 1],
      via);
  return slot.get();
}

void Jumps::close_all() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({"", nullptr});
  }
  char c = 0;
  (void)!::write(to_io_[1], &c, 1);
}

}  // namespace dust::ssh
