// One node's SFTP channel on its persistent ssh session: opened without blocking the loop, then
// libssh's sftp API on it; error texts a user understands; reading the socket on demand.
#pragma once
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <string>

namespace dust::transfer {

class Link {
 public:
  explicit Link(ssh_session s) : ssh_(s) {}
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  enum class Open { Pending, Ready, Failed };
  // Advances channel open → subsystem request → SFTP init. Call again on socket activity.
  Open open_step(std::string* err);

  sftp_session sftp() const { return sftp_; }
  ssh_channel channel() const { return ch_; }
  ssh_session session() const { return ssh_; }
  uint32_t next_id() { return ++sftp_->id_counter; }  // shared with libssh's own requests
  bool has_posix_rename() const { return posix_rename_; }

  // "permission denied", "no such file or directory", ... for the last failed sftp call.
  std::string last_error() const;
  // Makes libssh read the socket once (at most one buffer); true if the channel gained bytes.
  // ssh_channel_poll reads only while a stream is empty, so it is asked about stderr, always empty.
  bool pull();
  size_t available();  // bytes buffered on the channel (reads the socket if none)
  // The ssh session died under us: libssh freed the channel with it; forget it without touching it.
  void abandon();
  bool abandoned() const { return abandoned_; }

 private:
  ssh_session ssh_;
  ssh_channel ch_ = nullptr;
  sftp_session sftp_ = nullptr;
  int step_ = 0;
  bool posix_rename_ = false;
  bool abandoned_ = false;
};

// SSH_FX_* code → short reason.
std::string fx_reason(int code);

}  // namespace dust::transfer
