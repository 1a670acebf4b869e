// One file's bytes between a local fd and an open remote handle. Upload: libssh's sftp_write, one
// chunk (one round trip) per call, the engine giving every node its chunk in turn. Download: many
// requests in flight with libssh's sftp_async_read_begin / sftp_async_read, never waiting.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "transfer/link.h"

namespace dust::transfer {

enum class Step { Pending, Done, Failed };

// Request sizes: 32 KiB is what OpenSSH's sftp uses for reads (its server caps a read there). A
// write waits a round trip, so it is as large as OpenSSH's sftp-server takes: it drops the
// connection on any message over 256 KiB (SFTP_MAX_MSG_LENGTH), and libssh 0.10's sftp_write does
// not split a call, so a chunk plus the WRITE header (~30 bytes with OpenSSH's 4-byte handles) must
// stay under that.
constexpr uint32_t kReadChunk = 32 * 1024;
constexpr uint32_t kWriteChunk = 255 * 1024;
constexpr size_t kReadsInFlight = 64;
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

class Download {
 public:
  Download(Link& link, sftp_file remote, uint64_t size, int fd);
  Step pump(std::string* err, bool* again);
  uint64_t received() const { return received_; }
  uint64_t size() const { return size_; }  // shrinks if the remote file was shorter than stat said

 private:
  struct Req {
    uint32_t id;
    uint64_t offset;
    uint32_t len;
  };
  bool issue(std::string* err);
  Link& link_;
  sftp_file file_;
  uint64_t size_;
  int fd_;
  uint64_t next_ = 0, received_ = 0;
  std::deque<Req> inflight_;
  std::vector<char> buf_;
  std::chrono::steady_clock::time_point short_since_{};
};

}  // namespace dust::transfer
