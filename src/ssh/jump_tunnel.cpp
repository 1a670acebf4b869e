// A node's way through a jump host: Tunnel, and JumpHost's side of it, the direct-tcpip channel
// whose bytes are pumped to and from the node's socketpair (flow control both ways, end of file,
// close). The jump connection itself is jump_host.cpp.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ssh/jump.h"
#include "ssh/jump_detail.h"
#include "util/log.h"

namespace dust::ssh {

using namespace std::chrono_literals;
using jump_detail::close_fd;

using jump_detail::kMaxPending;
using jump_detail::kReadChunk;

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

}  // namespace dust::ssh
