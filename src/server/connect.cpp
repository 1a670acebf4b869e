// connect_server, socket_address (connect.h).
#include "server/connect.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/rendezvous.h"

namespace dust::server {

bool socket_address(const std::string& path, sockaddr_un* a, std::string* err) {
  *a = {};
  a->sun_family = AF_UNIX;
  if (path.size() >= sizeof a->sun_path) {
    *err = fmt::format("socket path too long for a unix socket: {}", path);
    return false;
  }
  std::memcpy(a->sun_path, path.c_str(), path.size() + 1);
  return true;
}

int connect_server(std::string* err) {
  Rendezvous r = rendezvous();
  sockaddr_un a;
  if (!socket_address(r.socket, &a, err)) return -1;
  // Only a socket of ours, in a directory only we can write, is our server: anything else may be
  // another user's trap for our terminal, passwords and AWS environment.
  if (std::string why = untrusted(r); !why.empty()) {
    *err = why;
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = std::strerror(errno);
    return -1;
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (errno != ENOENT && errno != ECONNREFUSED)
      *err = fmt::format("cannot reach the dust server at {}: {}", r.socket, std::strerror(errno));
    close(fd);
    return -1;
  }
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != geteuid()) {
    *err = fmt::format("refusing the dust server at {}: it runs as uid {}, not as you (uid {})",
                       r.socket, cred.uid, geteuid());
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace dust::server
