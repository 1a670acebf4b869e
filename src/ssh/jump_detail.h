// Internal to the jump host's three files (jump.cpp, jump_host.cpp, jump_tunnel.cpp).
#pragma once
#include <unistd.h>

#include <cstddef>

namespace dust::ssh::jump_detail {

// Bytes buffered per tunnel and direction before dust stops taking more (ssh flow control then
// slows the sender): a slow node cannot make the jump session hoard memory.
constexpr size_t kMaxPending = 1u << 20;
constexpr size_t kReadChunk = 32768;
constexpr int kPollRounds = 64;  // libssh reads 4 KiB per poll; bounded work per loop turn

inline void close_fd(int& fd) {
  if (fd >= 0) ::close(fd), fd = -1;
}

}  // namespace dust::ssh::jump_detail
