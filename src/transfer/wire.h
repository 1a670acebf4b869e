// The few SFTP v3 messages dust encodes itself: pipelined WRITE requests and the posix-rename
// extension, and the STATUS replies they get. libssh 0.10 has no asynchronous write (sftp_aio came in
// 0.11) and no posix-rename, and its sftp_write waits a round trip per call; everything else (init,
// open, stat, readdir, async reads, close) goes through libssh's sftp API on the same channel.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace dust::transfer::wire {

constexpr uint8_t kWrite = 6, kStatus = 101, kExtended = 200;
constexpr uint32_t kMaxPacket = 256 * 1024;  // OpenSSH's sftp-server limit for one message

// Header of a WRITE packet whose `len` data bytes follow it on the channel.
std::string write_header(uint32_t id, std::string_view handle, uint64_t offset, uint32_t len);
// An EXTENDED request "posix-rename@openssh.com" (atomic replace, unlike v3 RENAME).
std::string posix_rename(uint32_t id, std::string_view from, std::string_view to);

struct Reply {
  uint8_t type = 0;
  uint32_t id = 0;
  uint32_t code = 0;    // STATUS only: SSH_FX_*
  std::string message;  // STATUS only
};

// Splits a channel byte stream into replies (any chunking).
class ReplyReader {
 public:
  void feed(std::string_view bytes) { buf_.append(bytes); }
  // The next complete reply; false when more bytes are needed. Throws dust::Error on a malformed one.
  bool next(Reply* r);
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  std::string buf_;
  size_t pos_ = 0;
};

}  // namespace dust::transfer::wire
