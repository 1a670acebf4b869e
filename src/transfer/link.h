// One node's SFTP channel on its persistent ssh session: opened without blocking the loop, then
// libssh's sftp API on it; error texts a user understands; reading the socket on demand; a one-off
// command on an exec channel of the same session (the atomic replace that SFTP v3 cannot do).
#pragma once
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <string>

namespace dust::transfer {

class Link {
 public:
  explicit Link(ssh_session s);  // sets TCP_NODELAY on the session's socket
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  enum class Open { Pending, Ready, Failed };
  // Advances channel open → subsystem request → SFTP init. Call again on socket activity.
  Open open_step(std::string* err);

  sftp_session sftp() const { return sftp_; }
  ssh_channel channel() const { return ch_; }
  ssh_session session() const { return ssh_; }

  // "permission denied", "no such file or directory", ... for the last failed sftp call.
  std::string last_error() const;
  // Makes libssh read the socket once (at most one buffer); true if the channel gained bytes.
  // ssh_channel_poll reads only while a stream is empty, so it is asked about stderr, always empty.
  bool pull();
  size_t available();  // bytes buffered on the channel (reads the socket if none)
  // Runs `command` on a new exec channel of this session and waits for it (the session blocking
  // meanwhile). true if it exited 0; otherwise *err is its stderr or the reason it could not run.
  bool exec(const std::string& command, std::string* err);
  // The ssh session died under us: libssh freed the channel with it; forget it without touching it.
  void abandon();
  bool abandoned() const { return abandoned_; }

 private:
  ssh_session ssh_;
  ssh_channel ch_ = nullptr;
  sftp_session sftp_ = nullptr;
  int step_ = 0;
  bool abandoned_ = false;
};

// Frees an open remote file's memory without closing it on the server: for when the connection is
// gone (sftp_close would write to it). libssh frees open files only in sftp_close, not with the
// session.
void forget_remote(sftp_file f);

// Makes a (non-blocking) session blocking while it lives. libssh 0.10's sftp_write and channel open
// / exec assume a blocking session: non-blocking, ssh_channel_write may send part of a WRITE packet
// and sftp_write then waits for a reply the server will never send.
class Blocking {
 public:
  // The timeout bounds every blocking libssh call, so a peer that dies silently cannot hang dust.
  explicit Blocking(ssh_session s) : s_(s), was_(ssh_is_blocking(s) != 0) {
    long timeout_s = 30;
    ssh_options_set(s_, SSH_OPTIONS_TIMEOUT, &timeout_s);
    ssh_set_blocking(s_, 1);
  }
  ~Blocking() { ssh_set_blocking(s_, was_ ? 1 : 0); }
  Blocking(const Blocking&) = delete;
  Blocking& operator=(const Blocking&) = delete;

 private:
  ssh_session s_;
  bool was_;
};

// A word for a POSIX shell: single-quoted, embedded quotes as '\''.
std::string shell_quote(const std::string& s);

// SSH_FX_* code → short reason.
std::string fx_reason(int code);

}  // namespace dust::transfer
