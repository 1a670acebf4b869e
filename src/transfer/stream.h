// Upload of one large file as a byte stream on an exec channel of the node's session (`cat` into
// the temporary file), flow-controlled by the ssh channel window and never blocking the loop.
// Chosen over SFTP for large files: libssh 0.10's sftp_write waits for each write's status (one
// write in flight per node, the whole loop blocked meanwhile), while a channel keeps the window
// (2 MB with OpenSSH) in flight; see bench/transfer_bench.py and README "Transfers".
#pragma once
#include <libssh/libssh.h>

#include <cstdint>
#include <string>
#include <vector>

#include "transfer/pipe.h"

namespace dust::transfer {

// Files at least this large are streamed; smaller ones go through sftp_write (one round trip per
// 255 KiB), cheaper than a channel and a remote process per file.
constexpr uint64_t kStreamMin = 1u << 20;
// Bytes handed to libssh per write, and at most this much waits in its socket buffer per node
// (memory stays small with many nodes; the kernel socket buffer keeps the link busy).
constexpr uint32_t kStreamChunk = 128 * 1024;

// The remote side: appends stdin to `tmp` (created beforehand), then checks that exactly `size`
// bytes arrived; if not (the connection dropped, the upload was cancelled, the disk filled) it
// removes `tmp` itself, so no partial file is left even when dust cannot reach the node any more.
// Run through `sh -c` so the login shell (bash, zsh, csh, ...) only has to parse one quoted word.
std::string stream_command(const std::string& tmp, uint64_t size);

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

  // Stops early on a live connection: end of input to the remote command, then waits (at most
  // `wait_ms`) for it to exit, so that it has removed or finished with the temporary file before
  // the caller removes it (it could otherwise still create it after the caller's unlink).
  void cancel(int wait_ms);
  // The session died: libssh freed the channel with it; never touch it again.
  void abandon() { ch_ = nullptr; }

 private:
  enum class Phase { Open, Exec, Send, Wait, Done };
  void drain();  // reads the command's stdout (dropped) and stderr (kept for the error message)
  Step finish(std::string* err);
  ssh_session s_;
  ssh_channel ch_ = nullptr;
  int fd_;
  uint64_t size_, sent_ = 0;
  std::string command_, errout_;
  Phase phase_ = Phase::Open;
  bool eof_sent_ = false;
  std::vector<char> buf_;
};

}  // namespace dust::transfer
