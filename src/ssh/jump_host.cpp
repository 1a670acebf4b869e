// JumpHost, the connection to one jump host: its non-blocking handshake (host key, auth),
// keepalives, Nagle turned off, the session's pumping on the I/O thread, and its failure, which
// ends every tunnel through it. Its tunnels are jump_tunnel.cpp; Jumps, which owns them, jump.cpp.
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

#include "ssh/connect_options.h"
#include "ssh/host_keys.h"
#include "ssh/jump.h"
#include "ssh/jump_detail.h"
#include "util/log.h"

namespace dust::ssh {

using namespace std::chrono_literals;
using jump_detail::close_fd;

using jump_detail::kPollRounds;

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
        loop_.watch(fd_, POLLIN | POLLOUT, [this](short revents) {
          if (revents & POLLOUT) tcp_up_ = true;
          step();
        });
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

void JumpHost::update_watch() {
  if (fd_ < 0 || !ssh_) return;
  short ev = POLLIN;
  // Connecting: POLLOUT only until the TCP connect is through, not for libssh's stale wish to
  // write during the key exchange (it spun the loop; the 10 ms tick drives the handshake).
  bool write_pending = (ssh_get_poll_flags(ssh_) & SSH_WRITE_PENDING) != 0;
  if (phase_ == Phase::Connecting) write_pending = !tcp_up_;
  if (write_pending) ev |= POLLOUT;
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

}  // namespace dust::ssh
