// One file's bytes between a local fd and an open remote handle, with many SFTP requests in flight:
// Upload (WRITE requests encoded in wire.h, acknowledged by STATUS) and Download (libssh's
// sftp_async_read_begin / sftp_async_read). Both are pumped from the event loop and never wait.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "transfer/link.h"
#include "transfer/wire.h"

namespace dust::transfer {

enum class Step { Pending, Done, Failed };

// Request sizes: 32 KiB is what OpenSSH's sftp uses for reads (its server caps a read there); writes
// take larger requests, fewer STATUS replies. In flight: about the ssh channel window (2 MB).
constexpr uint32_t kReadChunk = 32 * 1024;
constexpr uint32_t kWriteChunk = 128 * 1024;
constexpr size_t kReadsInFlight = 64;
constexpr size_t kWritesInFlight = 24;
constexpr size_t kPumpBudget = 4u << 20;  // bytes per pump call, so every node gets its turn

class Upload {
 public:
  Upload(Link& link, int fd, uint64_t size, sftp_file remote);
  // *again: the budget ran out while more could be done at once (call again soon).
  Step pump(std::string* err, bool* again);
  uint64_t acked() const { return acked_; }
  // After a failure with the connection alive: finish the half-sent packet and take every reply still
  // due, so that libssh's next call on the channel reads only its own (bounded wait).
  void drain();

 private:
  Link& link_;
  int fd_;
  uint64_t size_;
  std::string handle_;
  uint64_t offset_ = 0, acked_ = 0;
  std::deque<std::pair<uint32_t, uint32_t>> inflight_;  // id, length
  std::string out_;
  size_t out_pos_ = 0;
  wire::ReplyReader replies_;
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
