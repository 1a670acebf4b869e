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

std::string stream_command(const std::string& tmp, uint64_t size) {
  // rm before the message: when the connection is gone, writing to stderr may end the shell.
  static const char* script =
      "cat >> \"$1\"; s=$(wc -c < \"$1\"); [ $s -eq \"$2\" ] 2>/dev/null && exit 0; "
      "rm -f \"$1\"; echo \"only $s of $2 bytes arrived\" >&2; exit 1";
  return fmt::format("sh -c {} sh {} {}", shell_quote(script), shell_quote(tmp), size);
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
      if (stream == 1 && errout_.size() < 4096) errout_.append(b, n);
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
  if (status == 0 && !closed && !ssh_channel_is_eof(ch_)) return Step::Pending;  // stderr to come
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
  if (phase_ == Phase::Exec) {
    int rc = ssh_channel_request_exec(ch_, command_.c_str());
    if (rc == SSH_AGAIN) return Step::Pending;
    if (rc != SSH_OK)
      return *err = fmt::format("cannot run the remote writer: {}", ssh_get_error(s_)),
             Step::Failed;
    phase_ = Phase::Send;
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
  if (phase_ == Phase::Wait) return finish(err);
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
