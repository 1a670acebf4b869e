// ClientLink (client_link.h).
#include "server/client_link.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "server/fd_passing.h"

namespace dust::server {

ClientLink::~ClientLink() {
  if (fd_ >= 0) close(fd_);
}

bool ClientLink::hello(const Hello& h) {
  std::vector<int> fds;
  if (h.kind != ClientKind::Control) fds = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO};
  return send_with_fds(fd_, encode(Type::Hello, encode_hello(h)), fds);
}

bool ClientLink::send(Type t, const std::string& payload) {
  if (!send_with_fds(fd_, encode(t, payload), {})) gone_ = true;
  return !gone_;
}

bool ClientLink::read(int wait_ms) {
  if (gone_) return false;
  pollfd p{fd_, POLLIN, 0};
  int r = poll(&p, 1, wait_ms);
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
