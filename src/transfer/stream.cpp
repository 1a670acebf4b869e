// Stream: a large file's bytes on an exec channel (see stream.h).
#include "transfer/stream.h"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "transfer/link.h"

namespace dust::transfer {

std::string put_command(const std::string& dir, const std::string& name, uint64_t size,
                        uint32_t mode, bool one_file, const std::string& tag) {
  // $1 dir, $2 name, $3 size, $4 mode (octal), $5 one file (1/0), $6 tag. Every message goes after
  // the rm: when the connection is gone, writing to stderr may end the shell.
  static const char* script =
      "d=$1; z=$3; tag=$6; "
      "if [ -z \"$d\" ]; then d=$(pwd -P) || exit 1; fi; "
      "case $d in */) t=$d$2; s=1;; *) t=$d/$2; s=0;; esac; "
      "if [ ! -d \"$d\" ]; then "
      "if [ \"$5\" = 1 ] && [ $s = 0 ] && { [ -f \"$d\" ] || [ ! -e \"$d\" ]; }; then "
      "case $d in */*) p=${d%/*}; p=${p:-/};; *) p=.;; esac; "
      "if [ ! -d \"$p\" ]; then "
      "if [ -e \"$p\" ]; then echo \"$p: not a directory\" >&2; "
      "else echo \"$d: no such directory ($p does not exist)\" >&2; fi; exit 1; fi; "
      "t=$d; "
      "elif [ -e \"$d\" ]; then echo \"$d: not a directory\" >&2; exit 1; "
      "else echo \"$d: no such directory\" >&2; exit 1; fi; fi; "
      "if [ -d \"$t\" ]; then echo \"$t: is a directory\" >&2; exit 1; fi; "
      "b=${t##*/}; "
      "case $t in */*) q=${t%/*}; f=$q/.$b.dust-$tag; q=${q:-/};; *) q=.; f=.$b.dust-$tag;; esac; "
      // noclobber: the shell creates the file with O_EXCL; umask 077: mode 600 until complete.
      "if ! e=$( (umask 077; set -C; : > \"$f\") 2>&1); then "
      "if [ -w \"$q\" ]; then e=${e##*: }; else e='permission denied'; fi; "
      "echo \"$q: $e\" >&2; exit 1; fi; "
      "cat >> \"$f\"; n=$(wc -c < \"$f\"); "
      "if [ $n -eq \"$z\" ] 2>/dev/null; then :; else rm -f -- \"$f\"; "
      "echo \"only $n of $z bytes arrived\" >&2; exit 1; fi; "
      "if ! e=$(chmod -- \"$4\" \"$f\" 2>&1); then rm -f -- \"$f\"; "
      "echo \"$t: chmod failed: ${e##*: }\" >&2; exit 1; fi; "
      "if ! e=$(mv -f -- \"$f\" \"$t\" 2>&1); then rm -f -- \"$f\"; "
      "echo \"$t: rename failed: ${e##*: }\" >&2; exit 1; fi; "
      "printf '%s\\n' \"$t\"";
  return fmt::format("sh -c {} sh {} {} {} {:o} {} {}", shell_quote(script), shell_quote(dir),
                     shell_quote(name), size, mode, one_file ? 1 : 0, shell_quote(tag));
}

Stream::Stream(ssh_session s, int fd, uint64_t size, std::string command)
    : s_(s), fd_(fd), size_(size), command_(std::move(command)) {}

Stream::~Stream() {
  if (ch_) ssh_channel_free(ch_);
}

void Stream::drain() {
  if (!ch_) return;
  char b[4096];
  for (int stream : {0, 1})
    for (;;) {
      int n = ssh_channel_read_nonblocking(ch_, b, sizeof b, stream);
      if (n <= 0) break;
      std::string& keep = stream == 1 ? errout_ : out_;
      if (keep.size() < 4096) keep.append(b, std::min<size_t>(n, 4096 - keep.size()));
    }
}

Step Stream::finish(std::string* err) {
  drain();
  // Non-blocking session: -1 until the status arrives (SSH_ERROR is -1 too: the session says).
  int status = ssh_channel_get_exit_status(ch_);
  bool closed = ssh_channel_is_closed(ch_) != 0;
  if (ssh_get_status(s_) & (SSH_CLOSED | SSH_CLOSED_ERROR))
    return *err = "connection lost", Step::Failed;
  if (status < 0 && !closed) return Step::Pending;
  // sshd may send the exit status before the last of stderr (the message saying why): wait for the
  // end of the output whatever the status.
  if (!closed && !ssh_channel_is_eof(ch_)) return Step::Pending;
  phase_ = Phase::Done;
  if (status == 0 && sent_ == size_) return Step::Done;
  // The remote's stderr on one line (e.g. "cat: write error: No space left on device; only …").
  std::string e;
  for (char c : errout_) e += c == '\n' || c == '\r' ? '\n' : c;
  while (!e.empty() && e.back() == '\n') e.pop_back();
  for (size_t at; (at = e.find('\n')) != std::string::npos;) e.replace(at, 1, "; ");
  if (e.empty())
    e = status < 0 ? std::string("the remote writer ended without an exit status")
                   : fmt::format("the remote writer failed (exit status {})", status);
  return *err = e, Step::Failed;
}

Step Stream::pump(std::string* err, bool* again) {
  *again = false;
  if (phase_ == Phase::Open) {
    if (!ch_ && !(ch_ = ssh_channel_new(s_))) return *err = "cannot create a channel", Step::Failed;
    int rc = ssh_channel_open_session(ch_);
    if (rc == SSH_AGAIN) return Step::Pending;
    if (rc != SSH_OK)
      return *err = fmt::format("cannot open a channel: {}", ssh_get_error(s_)), Step::Failed;
    phase_ = Phase::Exec;
  }
  if (phase_ == Phase::Exec || exec_pending_) {
    // The bytes are handed on without waiting for the exec request's reply: the server takes
    // messages in order, so the command is running when they arrive. (OpenSSH's sshd opens a
    // session channel's window only once its command starts, so in practice the first bytes leave
    // with that reply; a server with an open window gets them a round trip sooner.) The reply is
    // collected on later calls; a refusal fails the upload (the server dropped the bytes).
    int rc = ssh_channel_request_exec(ch_, command_.c_str());
    if (rc != SSH_OK && rc != SSH_AGAIN)
      return *err = fmt::format("cannot run the remote writer: {}", ssh_get_error(s_)),
             Step::Failed;
    exec_pending_ = rc == SSH_AGAIN;
    if (phase_ == Phase::Exec) phase_ = Phase::Send;
  }
  size_t budget = kPumpBudget;
  while (phase_ == Phase::Send) {
    drain();
    if (ssh_channel_is_closed(ch_) || ssh_channel_is_eof(ch_)) {
      phase_ = Phase::Wait;  // the command ended early (a write error): its message says why
      break;
    }
    if (sent_ >= size_) {
      if (ssh_channel_send_eof(ch_) == SSH_ERROR) return *err = "connection lost", Step::Failed;
      eof_sent_ = true;
      phase_ = Phase::Wait;
      break;
    }
    // At most one chunk waits in libssh's buffer: memory stays bounded whatever the node count.
    if (ssh_get_poll_flags(s_) & SSH_WRITE_PENDING) {
      ssh_blocking_flush(s_, 0);
      if (ssh_get_poll_flags(s_) & SSH_WRITE_PENDING) return Step::Pending;  // POLLOUT resumes
    }
    uint32_t window = ssh_channel_window_size(ch_);
    if (window == 0) {
      // Read what arrived (a window adjust); still closed means wait for the socket.
      ssh_channel_poll(ch_, 1);
      if (ssh_channel_window_size(ch_) == 0) return Step::Pending;
      continue;
    }
    uint32_t len = static_cast<uint32_t>(std::min<uint64_t>({window, kStreamChunk, size_ - sent_}));
    buf_.resize(len);
    for (size_t got = 0; got < len;) {
      ssize_t n = pread(fd_, buf_.data() + got, len - got, static_cast<off_t>(sent_ + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        return *err = fmt::format("local read failed: {}",
                                  n < 0 ? std::strerror(errno) : "file shrank"),
               Step::Failed;
      got += n;
    }
    // len ≤ the window: libssh queues it all without waiting (non-blocking session).
    int n = ssh_channel_write(ch_, buf_.data(), len);
    if (n == SSH_ERROR) {
      if (ssh_get_status(s_) & (SSH_CLOSED | SSH_CLOSED_ERROR))
        return *err = "connection lost", Step::Failed;
      phase_ = Phase::Wait;  // the channel closed under us: the command's status says why
      break;
    }
    // 0: the session is blocked (a key re-exchange is under way); its reply arrives on the socket.
    if (n == 0) return Step::Pending;
    sent_ += static_cast<uint64_t>(n);
    budget -= std::min<size_t>(budget, static_cast<size_t>(n));
    if (budget == 0) return *again = true, Step::Pending;
  }
  if (phase_ == Phase::Wait) return exec_pending_ ? Step::Pending : finish(err);
  return phase_ == Phase::Done ? Step::Done : Step::Pending;
}

void Stream::cancel(int wait_ms) {
  if (!ch_ || phase_ == Phase::Done) return;
  if (phase_ == Phase::Open) return;  // no command started: nothing remote can create the file
  // A command may be starting (exec sent, no reply yet): wait for it just the same.
  Blocking blocking(s_);
  if (!eof_sent_ && !ssh_channel_is_closed(ch_)) ssh_channel_send_eof(ch_);
  eof_sent_ = true;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (ssh_channel_is_closed(ch_) || ssh_channel_is_eof(ch_)) break;
    if (ssh_channel_poll_timeout(ch_, 100, 1) == SSH_ERROR) break;
    drain();
  }
  phase_ = Phase::Done;
}

}  // namespace dust::transfer
