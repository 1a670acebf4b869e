// Fetch: a remote file's bytes on an exec channel (see fetch.h).
#include "transfer/fetch.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "transfer/link.h"

namespace dust::transfer {

using Clock = std::chrono::steady_clock;

std::string fetch_command(const std::string& path) {
  // Symlinks are followed, as cp and OpenSSH's sftp do: test -d/-f and ls -L.
  static const char* script =
      "f=$1; "
      "if [ -d \"$f\" ]; then echo 'is a directory (use -r)' >&2; exit 1; fi; "
      "if [ ! -e \"$f\" ]; then "
      "case $(LC_ALL=C ls -d -- \"$f\" 2>&1 >/dev/null) in "
      "*ermission*) echo 'permission denied' >&2;; *) echo 'no such file or directory' >&2;; esac; "
      "exit 1; fi; "
      "if [ ! -f \"$f\" ]; then echo 'not a regular file' >&2; exit 1; fi; "
      "if [ ! -r \"$f\" ]; then echo 'permission denied' >&2; exit 1; fi; "
      "l=$(LC_ALL=C ls -lnLd -- \"$f\") || exit 1; "
      "set -f; set -- $l; printf '%s %s\\n' \"$1\" \"$5\"; exec cat -- \"$f\"";
  return fmt::format("sh -c {} sh {}", shell_quote(script), shell_quote(path));
}

bool parse_ls_mode(const std::string& s, uint32_t* mode) {
  if (s.size() < 10) return false;
  uint32_t m = 0;
  static const char rwx[] = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) {
    char c = s[1 + i];
    uint32_t bit = 1u << (8 - i);
    if (c == rwx[i]) {
      m |= bit;
    } else if (i % 3 == 2 && (c == 's' || c == 't' || c == 'S' || c == 'T')) {
      // s/t: the special bit and x; S/T: the special bit alone. Only setuid/setgid (s/S) in the
      // owner and group columns, only sticky (t/T) in the others'.
      bool sticky = c == 't' || c == 'T';
      if (sticky != (i == 8)) return false;
      m |= i == 2 ? 04000 : i == 5 ? 02000 : 01000;
      if (c == 's' || c == 't') m |= bit;
    } else if (c != '-') {
      return false;
    }
  }
  *mode = m;
  return true;
}

uint32_t receive_window(std::chrono::duration<double> rtt, size_t peers) {
  double want = rtt.count() * kWindowRate;
  uint64_t cap = std::min<uint64_t>(kWindowMax, kWindowTotal / std::max<size_t>(peers, 1));
  uint64_t w = std::min<uint64_t>(cap, want > 0 ? static_cast<uint64_t>(want) : 0);
  return w > kLibsshWindow ? static_cast<uint32_t>(w) : 0;
}

namespace {
// One buffer for every node's reads (the loop is single-threaded): a read that grows the window
// to W must be able to take W bytes.
std::vector<char>& read_buffer(size_t at_least) {
  static std::vector<char> buf;
  if (buf.size() < at_least) buf.resize(at_least);
  return buf;
}
constexpr size_t kPlainRead = 256 * 1024;
}  // namespace

Fetch::Fetch(ssh_session s, const std::string& path, Opener open_local, size_t peers)
    : s_(s),
      path_(path),
      command_(fetch_command(path)),
      open_local_(std::move(open_local)),
      peers_(peers) {}

Fetch::Fetch(ssh_session s, const std::string& path, std::string command, Opener open_local,
             size_t peers)
    : s_(s),
      path_(path),
      command_(std::move(command)),
      open_local_(std::move(open_local)),
      peers_(peers) {}

Fetch::~Fetch() {
  if (ch_) ssh_channel_free(ch_);
}

void Fetch::drain_stderr() {
  if (!ch_) return;
  char b[1024];
  for (;;) {
    int n = ssh_channel_read_nonblocking(ch_, b, sizeof b, 1);
    if (n <= 0) break;
    if (errout_.size() < 4096) errout_.append(b, std::min<size_t>(n, 4096 - errout_.size()));
  }
}

bool Fetch::take(const char* p, size_t n, std::string* err) {
  if (!header_done_) {
    const char* nl = static_cast<const char*>(memchr(p, '\n', n));
    size_t k = nl ? static_cast<size_t>(nl - p) + 1 : n;
    header_.append(p, k);
    p += k, n -= k;
    if (!nl) {
      if (header_.size() > 256) return *err = "the remote reader sent no header", false;
      return true;
    }
    // "-rw-r--r-- 1234\n"
    auto sp = header_.find(' ');
    uint32_t mode = 0;
    if (sp == std::string::npos || !parse_ls_mode(header_.substr(0, sp), &mode)) {
      // Most often a startup file (.bashrc) that prints even when the shell runs a command, as it
      // breaks scp: what came is shown (escaped where it is printed).
      std::string said = header_.substr(0, std::min<size_t>(header_.size() - 1, 80));
      return *err = fmt::format(
                 "the remote reader sent an unexpected header \"{}\" (does a startup file of the "
                 "login shell print when it runs a command?)",
                 said),
             false;
    }
    mode_ = mode;
    dir_ = header_[0] == 'd';
    size_ = std::strtoull(header_.c_str() + sp + 1, nullptr, 10);
    header_done_ = true;
    if ((fd_ = open_local_(err)) < 0) return false;
    if (check_ && !check_(0, err)) return false;
  }
  for (size_t done = 0; done < n;) {
    ssize_t w = pwrite(fd_, p + done, n - done, static_cast<off_t>(received_ + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return *err = fmt::format("local write failed: {}", std::strerror(errno)), false;
    done += static_cast<size_t>(w);
  }
  received_ += n;
  if (check_ && received_ - checked_at_ >= kCheckEvery) {
    checked_at_ = received_;
    if (!check_(received_, err)) return false;
  }
  return true;
}

Step Fetch::finish(std::string* err) {
  drain_stderr();
  int status = ssh_channel_get_exit_status(ch_);
  bool closed = ssh_channel_is_closed(ch_) != 0;
  if (ssh_get_status(s_) & (SSH_CLOSED | SSH_CLOSED_ERROR))
    return *err = "connection lost", Step::Failed;
  if (status < 0 && !closed) return Step::Pending;
  // sshd may send the exit status before the last of stderr (the message saying why).
  if (!closed && !ssh_channel_is_eof(ch_)) return Step::Pending;
  phase_ = Phase::Done;
  status_ = status;
  if (header_done_ && (status == 0 || dir_)) return Step::Done;
  std::string e;
  for (char c : errout_) e += c == '\n' || c == '\r' ? '\n' : c;
  while (!e.empty() && e.back() == '\n') e.pop_back();
  for (size_t at; (at = e.find('\n')) != std::string::npos;) e.replace(at, 1, "; ");
  if (e.empty())
    e = status < 0    ? std::string("the remote reader ended without an exit status")
        : status == 0 ? std::string("the remote reader sent nothing")
                      : fmt::format("the remote reader failed (exit status {})", status);
  return *err = fmt::format("{}: {}", path_, e), Step::Failed;
}

Step Fetch::pump(std::string* err, bool* again) {
  *again = false;
  if (phase_ == Phase::Open) {
    if (!ch_ && !(ch_ = ssh_channel_new(s_))) return *err = "cannot create a channel", Step::Failed;
    if (asked_ == Clock::time_point{}) asked_ = Clock::now();
    int rc = ssh_channel_open_session(ch_);
    if (rc == SSH_AGAIN) return Step::Pending;
    if (rc != SSH_OK)
      return *err = fmt::format("cannot open a channel: {}", ssh_get_error(s_)), Step::Failed;
    // The open's reply came a round trip later (plus the server's turn): the path's RTT.
    rtt_ = Clock::now() - asked_;
    window_ = receive_window(rtt_, peers_);
    phase_ = Phase::Exec;
  }
  if (phase_ == Phase::Exec) {
    int rc = ssh_channel_request_exec(ch_, command_.c_str());
    if (rc == SSH_AGAIN) return Step::Pending;
    if (rc != SSH_OK)
      return *err = fmt::format("cannot run the remote reader: {}", ssh_get_error(s_)),
             Step::Failed;
    phase_ = Phase::Receive;
  }
  size_t budget = kPumpBudget;
  while (phase_ == Phase::Receive) {
    drain_stderr();
    if (ssh_channel_is_closed(ch_)) {
      phase_ = Phase::Wait;
      break;
    }
    // A read asking for `window_` bytes grows the channel's window to that (libssh sends the
    // WINDOW_ADJUST before it reads); it returns what is buffered, never waiting.
    int n;
    if (window_) {
      std::vector<char>& buf = read_buffer(window_);
      n = ssh_channel_read_timeout(ch_, buf.data(), window_, 0, 0);
      if (n > 0 && !take(buf.data(), static_cast<size_t>(n), err)) return Step::Failed;
    } else {
      std::vector<char>& buf = read_buffer(kPlainRead);
      n = ssh_channel_read_nonblocking(ch_, buf.data(), kPlainRead, 0);
      if (n > 0 && !take(buf.data(), static_cast<size_t>(n), err)) return Step::Failed;
    }
    if (n == SSH_ERROR) {
      if (ssh_get_status(s_) & (SSH_CLOSED | SSH_CLOSED_ERROR))
        return *err = "connection lost", Step::Failed;
      phase_ = Phase::Wait;
      break;
    }
    if (n == SSH_EOF || (n == 0 && ssh_channel_is_eof(ch_))) {
      phase_ = Phase::Wait;
      break;
    }
    if (n <= 0) return Step::Pending;
    budget -= std::min<size_t>(budget, static_cast<size_t>(n));
    if (budget == 0) return *again = true, Step::Pending;
  }
  if (phase_ == Phase::Wait) return finish(err);
  return phase_ == Phase::Done ? Step::Done : Step::Pending;
}

void Fetch::cancel() {
  if (!ch_ || phase_ == Phase::Done) return;
  // A remote reader that writes nothing (a find walking a large tree) would never meet the SIGPIPE
  // of the closed channel: sshd passes TERM on to it.
  if (phase_ == Phase::Receive || phase_ == Phase::Wait)
    ssh_channel_request_send_signal(ch_, "TERM");
  if (phase_ != Phase::Open) ssh_channel_close(ch_);
  phase_ = Phase::Done;
}

}  // namespace dust::transfer
