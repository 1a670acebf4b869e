// Upload of one file as a byte stream on an exec channel of the node's session (into a temporary
// file that the remote command renames into place), flow-controlled by the ssh channel window and
// never blocking the loop. Chosen over SFTP: libssh 0.10's SFTP calls each wait for their reply
// with the whole loop blocked (so every node waits for every node's round trips), and its
// sftp_write keeps one write in flight, while a channel keeps the window (2 MB with OpenSSH) in
// flight; see bench/latency_bench.py and README "Over a real network".
#pragma once
#include <libssh/libssh.h>

#include <cstdint>
#include <string>
#include <vector>

#include "transfer/pipe.h"

namespace dust::transfer {

// A put of files (no -r) streams every file. In a tree (-r), files at least this large are
// streamed; smaller ones go in tar batches (batch.h) or, alone, streamed as well.
constexpr uint64_t kStreamMin = 1u << 20;
// Bytes handed to libssh per write, and at most this much waits in its socket buffer per node
// (memory stays small with many nodes; the kernel socket buffer keeps the link busy).
constexpr uint32_t kStreamChunk = 128 * 1024;

// The whole put of one file in one remote command, so that it needs no SFTP round trip at all (they
// block the event loop, so every node would wait for each node's): finds the target (`dir`/`name`
// when `dir` is a directory; with `one_file`, `dir` itself when it is no directory but its parent
// is, as cp does; "" means the login directory), refuses a target that is a directory, creates the
// temporary `.name.dust-TAG` beside it exclusively (mode 600), appends stdin to it, checks that
// `size` bytes arrived, sets `mode` and renames it into place (rename(2): atomic), then prints the
// target's path on stdout. On any failure it removes its temporary file and says why on stderr
// ("<path>: no such directory", "<dir>: permission denied", "<path>: is a directory", ...).
std::string put_command(const std::string& dir, const std::string& name, uint64_t size,
                        uint32_t mode, bool one_file, const std::string& tag);

class Stream {
 public:
  Stream(ssh_session s, int fd, uint64_t size, std::string command);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Advances: open the channel, start the command, send what the window and the socket take (at
  // most kPumpBudget per call), then wait for the command's exit. *again: call again soon (budget
  // used up); otherwise socket activity (window adjust, POLLOUT) calls again.
  Step pump(std::string* err, bool* again);
  uint64_t sent() const { return sent_; }
  // What the command printed on stdout (at most 4 KiB), once it is done.
  const std::string& output() const { return out_; }

  // Stops early on a live connection: end of input to the remote command, then waits (at most
  // `wait_ms`) for it to exit, so that it has removed or finished with the temporary file before
  // the caller removes it (it could otherwise still create it after the caller's unlink).
  void cancel(int wait_ms);
  // The session died: libssh freed the channel with it; never touch it again.
  void abandon() { ch_ = nullptr; }

 private:
  enum class Phase { Open, Exec, Send, Wait, Done };
  void drain();  // reads the command's stdout and stderr (kept, 4 KiB each)
  Step finish(std::string* err);
  ssh_session s_;
  ssh_channel ch_ = nullptr;
  int fd_;
  uint64_t size_, sent_ = 0;
  std::string command_, errout_, out_;
  Phase phase_ = Phase::Open;
  bool eof_sent_ = false;
  bool exec_pending_ = false;  // the exec request's reply has not come yet
  std::vector<char> buf_;
};

}  // namespace dust::transfer
