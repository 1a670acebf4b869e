// One node's persistent ssh session as a transfer sees it: the handle its exec channels open on
// (put_command, batch_command, fetch_command, tree_command: no SFTP), forgotten without being
// touched once the session dies; plus what those commands share (quoting, a blocking section).
#pragma once
#include <libssh/libssh.h>

#include <string>

namespace dust::transfer {

class Link {
 public:
  explicit Link(ssh_session s);  // sets TCP_NODELAY on the session's socket
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  ssh_session session() const { return ssh_; }
  // The ssh session died under us: libssh freed its channels with it; never touch them again.
  void abandon() { abandoned_ = true; }
  bool abandoned() const { return abandoned_; }

 private:
  ssh_session ssh_;
  bool abandoned_ = false;
};

// Makes a (non-blocking) session blocking while it lives (a short wait for a remote command to
// finish cleaning up after a cancel).
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

}  // namespace dust::transfer
