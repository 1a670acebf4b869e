// One file's bytes from a local fd to an open remote handle (a small file in a put -r tree):
// libssh's sftp_write, one chunk (one round trip) per call, the engine giving every node its chunk
// in turn. (get uses no SFTP: fetch.h, tree_fetch.h.)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "transfer/link.h"

namespace dust::transfer {

enum class Step { Pending, Done, Failed };

// A write waits a round trip, so it is as large as OpenSSH's sftp-server takes: it drops the
// connection on any message over 256 KiB (SFTP_MAX_MSG_LENGTH), and libssh 0.10's sftp_write does
// not split a call, so a chunk plus the WRITE header (~30 bytes with OpenSSH's 4-byte handles) must
// stay under that.
constexpr uint32_t kWriteChunk = 255 * 1024;
constexpr size_t kPumpBudget = 4u << 20;  // bytes per pump call, so every node gets its turn

class Upload {
 public:
  Upload(Link& link, int fd, uint64_t size, sftp_file remote);
  // Writes the next chunk and waits for the server's status (the session blocking meanwhile).
  // *again: more chunks remain; the engine calls again at this node's next turn.
  Step pump(std::string* err, bool* again);
  uint64_t acked() const { return acked_; }

 private:
  Link& link_;
  int fd_;
  uint64_t size_;
  sftp_file file_;
  uint64_t acked_ = 0;  // sftp_write keeps the remote offset; each call is acknowledged on return
  std::vector<char> buf_;
};

}  // namespace dust::transfer
