// Download of one remote file as a byte stream on an exec channel of the node's session (`cat` of
// the file after a one-line header with its mode and size), never blocking the loop and without
// any SFTP round trip. Chosen over SFTP for a plain `get` (no glob, no -r): libssh 0.10's SFTP
// calls (start, stat, open, close) each wait for their reply with the loop blocked, so every node
// paid every node's round trips; and the channel's receive window, which libssh keeps at 1.28 MB,
// is grown with the round-trip time measured on the channel's own open, so that far nodes keep more
// than one window of bytes in flight (a window per round trip is all a channel can carry).
#pragma once
#include <libssh/libssh.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "transfer/pipe.h"

namespace dust::transfer {

// The remote side: says why on stderr and exits 1 when `path` is missing, a directory, not a
// regular file or unreadable ("no such file or directory", "is a directory (use -r)", "not a
// regular file", "permission denied"); otherwise prints "<ls mode> <size>\n" and then the file.
std::string fetch_command(const std::string& path);

// "-rwxr-sr-x" (the first ten characters of `ls -l`) → 02755; false if it is not one.
bool parse_ls_mode(const std::string& s, uint32_t* mode);

// The receive window for a channel whose open took `rtt`, `peers` nodes transferring at once:
// 0 (libssh's own, 1.28 MB) on a short path, else the bytes a round trip holds at kWindowRate,
// at most kWindowMax, and all the nodes' windows together at most kWindowTotal. The total bounds
// what libssh may buffer, and more in flight than the machine moves per round trip only queues:
// measured at RTT 200 on 2 CPUs, 10 nodes fetched 20 MB each in 3.6-4.4 s with 5-8 MB windows
// and in 5.8-6.3 s with 12.8 MB ones (1 node: 2.8 s with 12.8 MB, 3.3 s with 5 MB).
constexpr double kWindowRate = 64e6;          // bytes per second per node worth keeping in flight
constexpr uint32_t kWindowMax = 16u << 20;    // per channel
constexpr uint64_t kWindowTotal = 64u << 20;  // all nodes together
constexpr uint32_t kLibsshWindow = 1280000;   // libssh 0.10's WINDOWBASE
uint32_t receive_window(std::chrono::duration<double> rtt, size_t peers);

class Fetch {
 public:
  // Writes the file's bytes from offset 0 to the fd `open_local` returns once the header came (the
  // remote path is a readable file): nothing local is made for a path that fails. open_local
  // returns -1 with *err set when it cannot.
  using Opener = std::function<int(std::string* err)>;
  Fetch(ssh_session s, const std::string& path, Opener open_local, size_t peers);
  // The same with another remote command speaking the same protocol (tree_command): a directory's
  // header ("drwx…") may be followed by a non-zero exit status, which is then no failure:
  // exit_status() and errors() say what the remote side could not send.
  Fetch(ssh_session s, const std::string& path, std::string command, Opener open_local,
        size_t peers);
  ~Fetch();
  Fetch(const Fetch&) = delete;
  Fetch& operator=(const Fetch&) = delete;

  // Open the channel, start the command, read what arrived (at most kPumpBudget per call), then
  // wait for the command's exit. *again: call again soon; otherwise socket activity calls again.
  // Failed: *err says why ("/srv/f: no such file or directory", "connection lost").
  Step pump(std::string* err, bool* again);
  uint64_t received() const { return received_; }  // bytes of the file
  bool has_header() const { return header_done_; }
  uint64_t size() const { return size_; }  // from the header (what `ls` said)
  uint32_t mode() const { return mode_; }
  bool is_dir() const { return dir_; }  // the header was a directory's
  int exit_status() const { return status_; }
  const std::string& errors() const { return errout_; }  // the remote stderr (at most 4 KiB)
  uint32_t window() const { return window_; }            // 0: libssh's own
  std::chrono::duration<double> rtt() const { return rtt_; }

  // Called with the bytes received so far about every kCheckEvery bytes (and with 0 once the local
  // file is open): false + *err stops the fetch (the local disk nearly full).
  using Check = std::function<bool(uint64_t received, std::string* err)>;
  static constexpr uint64_t kCheckEvery = 64u << 20;
  void set_check(Check c) { check_ = std::move(c); }

  // Stops early on a live connection: closes the channel (the remote `cat` ends on SIGPIPE).
  void cancel();
  // The session died: libssh freed the channel with it; never touch it again.
  void abandon() { ch_ = nullptr; }

 private:
  enum class Phase { Open, Exec, Receive, Wait, Done };
  bool take(const char* p, size_t n, std::string* err);
  void drain_stderr();
  Step finish(std::string* err);
  ssh_session s_;
  ssh_channel ch_ = nullptr;
  std::string path_, command_, header_, errout_;
  Opener open_local_;
  Check check_;
  uint64_t checked_at_ = 0;
  int fd_ = -1;
  size_t peers_;
  Phase phase_ = Phase::Open;
  bool header_done_ = false;
  bool dir_ = false;
  int status_ = -1;
  uint64_t size_ = 0, received_ = 0;
  uint32_t mode_ = 0644, window_ = 0;
  std::chrono::steady_clock::time_point asked_{};
  std::chrono::duration<double> rtt_{0};
};

}  // namespace dust::transfer
