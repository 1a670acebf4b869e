// Link: the per-node SFTP channel (see link.h).
#include "transfer/link.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>

namespace dust::transfer {

std::string fx_reason(int code) {
  switch (code) {
    case SSH_FX_OK:
      return "ok";
    case SSH_FX_EOF:
      return "unexpected end of file";
    case SSH_FX_NO_SUCH_FILE:
      return "no such file or directory";
    case SSH_FX_PERMISSION_DENIED:
      return "permission denied";
    case SSH_FX_FAILURE:
      return "failed";
    case SSH_FX_BAD_MESSAGE:
      return "bad message";
    case SSH_FX_NO_CONNECTION:
      return "no connection";
    case SSH_FX_CONNECTION_LOST:
      return "connection lost";
    case SSH_FX_OP_UNSUPPORTED:
      return "operation not supported";
    case SSH_FX_FILE_ALREADY_EXISTS:
      return "file already exists";
    case SSH_FX_WRITE_PROTECT:
      return "write protected";
    case SSH_FX_NO_MEDIA:
      return "no media";
    default:
      return fmt::format("sftp error {}", code);
  }
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Link::Link(ssh_session s) : ssh_(s) {
  // Each SFTP upload chunk waits for its reply, and a get's window adjusts are short packets: with
  // Nagle on (libssh's default), a short segment can wait for a delayed ACK (~40 ms each). The
  // shell gains from it too.
  if (int one = 1, fd = ssh_ ? ssh_get_fd(ssh_) : -1; fd >= 0)
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Link::~Link() {
  if (sftp_)
    sftp_free(sftp_);  // sends EOF and frees the channel
  else if (ch_)
    ssh_channel_free(ch_);
}

void Link::abandon() {
  if (sftp_) {
    sftp_->channel = nullptr;  // already freed by ssh_free
    sftp_free(sftp_);
  }
  sftp_ = nullptr;
  ch_ = nullptr;
  abandoned_ = true;
}

Link::Open Link::open_step(std::string* err) {
  for (;;) {
    int rc = SSH_OK;
    switch (step_) {
      case 0:
        ch_ = ssh_channel_new(ssh_);
        if (!ch_) return *err = "cannot create a channel", Open::Failed;
        step_ = 1;
        break;
      case 1:
        rc = ssh_channel_open_session(ch_);
        if (rc == SSH_AGAIN) return Open::Pending;
        if (rc != SSH_OK)
          return *err = fmt::format("cannot open a channel: {}", ssh_get_error(ssh_)), Open::Failed;
        step_ = 2;
        break;
      case 2:
        rc = ssh_channel_request_subsystem(ch_, "sftp");
        if (rc == SSH_AGAIN) return Open::Pending;
        if (rc != SSH_OK) return *err = "the server has no sftp subsystem", Open::Failed;
        step_ = 3;
        break;
      case 3:
        sftp_ = sftp_new_channel(ssh_, ch_);
        if (!sftp_) return *err = "out of memory", Open::Failed;
        // One round trip; libssh waits for the VERSION reply by polling the (non-blocking) socket.
        if (sftp_init(sftp_) != SSH_OK)
          return *err = fmt::format("sftp start failed: {}", ssh_get_error(ssh_)), Open::Failed;
        step_ = 4;
        return Open::Ready;
      default:
        return sftp_ ? Open::Ready : Open::Failed;
    }
  }
}

std::string Link::last_error() const {
  if (!sftp_) return "no sftp session";
  int code = sftp_get_error(sftp_);
  if (code == SSH_FX_OK || code == SSH_FX_FAILURE || code == SSH_FX_BAD_MESSAGE) {
    if (ssh_get_status(ssh_) & (SSH_CLOSED | SSH_CLOSED_ERROR)) return "connection lost";
    std::string e = ssh_get_error(ssh_);
    if (code == SSH_FX_OK) return e.empty() ? "failed" : e;
    const std::string pre = "SFTP server: ";
    if (e.rfind(pre, 0) == 0) e = e.substr(pre.size());
    return e.empty() ? fx_reason(code) : e;
  }
  return fx_reason(code);
}

bool Link::pull() {
  if (!ch_) return false;
  uint32_t before = static_cast<uint32_t>(std::max(0, ssh_channel_poll(ch_, 0)));
  ssh_channel_poll(ch_, 1);
  int after = ssh_channel_poll(ch_, 0);
  return after > 0 && static_cast<uint32_t>(after) > before;
}

size_t Link::available() {
  if (!ch_) return 0;
  int n = ssh_channel_poll(ch_, 0);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

}  // namespace dust::transfer

namespace dust::transfer {

bool Link::exec(const std::string& command, std::string* err) {
  if (!ssh_) return *err = "no session", false;
  Blocking blocking(ssh_);
  ssh_channel c = ssh_channel_new(ssh_);
  if (!c) return *err = "cannot create a channel", false;
  auto give_up = [&](std::string why) {
    ssh_channel_free(c);
    *err = std::move(why);
    return false;
  };
  if (ssh_channel_open_session(c) != SSH_OK)
    return give_up(fmt::format("cannot open a channel: {}", ssh_get_error(ssh_)));
  if (ssh_channel_request_exec(c, command.c_str()) != SSH_OK)
    return give_up(fmt::format("cannot run a command: {}", ssh_get_error(ssh_)));
  // Blocking reads return 0 only at end of file: stderr (kept for the message), then stdout
  // (dropped; the commands run here print nothing there).
  std::string errout;
  char buf[1024];
  for (int stream : {1, 0})
    for (;;) {
      int k = ssh_channel_read(c, buf, sizeof buf, stream);
      if (k == SSH_ERROR) return give_up("connection lost");
      if (k <= 0) break;
      if (stream == 1 && errout.size() < 4096) errout.append(buf, k);
    }
  int status = ssh_channel_get_exit_status(c);
  ssh_channel_close(c);
  ssh_channel_free(c);
  if (status == 0) return true;
  while (!errout.empty() && (errout.back() == '\n' || errout.back() == '\r')) errout.pop_back();
  *err = !errout.empty() ? errout
         : status < 0    ? std::string("no exit status")
                         : fmt::format("exit status {}", status);
  return false;
}

void forget_remote(sftp_file f) {
  if (!f) return;
  // The fields sftp_close frees besides the server-side handle (libssh/sftp.h declares the struct).
  ssh_string_free(f->handle);
  free(f->name);
  free(f);
}

}  // namespace dust::transfer
