// ClientLink (client_link.h).
#include "server/client_link.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace dust::server {

ClientLink::~ClientLink() {
  if (fd_ >= 0) close(fd_);
}

bool ClientLink::hello(const Hello& h) { return send(Type::Hello, encode_hello(h)); }

bool ClientLink::send(Type t, const std::string& payload) {
  if (gone_) return false;
  std::string bytes = encode(t, payload);
  std::string_view rest = bytes;
  while (!rest.empty()) {
    ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {  // the server reads when it can: wait for room
        pollfd p{fd_, POLLOUT, 0};
        poll(&p, 1, 1000);
        continue;
      }
      // The server closed its end: what it said last (a Bye) may still wait to be read.
      send_failed_ = true;
      return false;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool ClientLink::read(int wait_ms) {
  if (gone_) return false;
  pollfd p{fd_, POLLIN, 0};
  int r = poll(&p, 1, send_failed_ ? 0 : wait_ms);
  if (r == 0 && send_failed_) {
    gone_ = true;  // nothing more to read from a server that stopped reading
    return false;
  }
  if (r <= 0) return true;  // nothing yet, or a signal: the caller looks at its flags
  char buf[65536];
  ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0) return errno == EINTR || errno == EAGAIN || (gone_ = true, false);
  if (n == 0) {
    gone_ = true;
    return false;
  }
  in_.feed(std::string_view(buf, static_cast<size_t>(n)));
  return true;
}

std::optional<Frame> ClientLink::next() {
  Frame f;
  std::string why;
  switch (in_.next(&f, &why)) {
    case FrameReader::Status::Frame:
      return f;
    case FrameReader::Status::More:
      return std::nullopt;
    case FrameReader::Status::Malformed:
      gone_ = true;
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace dust::server
