// A client's end of the socket: sends frames, reads and decodes what the server sends.
#pragma once
#include <optional>
#include <string>

#include "server/frame.h"
#include "server/messages.h"

namespace dust::server {

class ClientLink {
 public:
  explicit ClientLink(int fd) : fd_(fd) {}
  ~ClientLink();
  ClientLink(const ClientLink&) = delete;
  ClientLink& operator=(const ClientLink&) = delete;
  int fd() const { return fd_; }

  bool hello(const Hello& h);
  bool send(Type t, const std::string& payload = {});
  // Reads what is there (non-blocking socket) or waits up to `wait_ms` (-1: for ever) for some;
  // false at end of stream or on a malformed message (gone() then says so).
  bool read(int wait_ms);
  // The next whole frame read, if any.
  std::optional<Frame> next();
  bool gone() const { return gone_; }

 private:
  int fd_;
  FrameReader in_;
  bool gone_ = false;
  bool send_failed_ = false;
};

}  // namespace dust::server
