// Link (see link.h).
#include "transfer/link.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace dust::transfer {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Link::Link(ssh_session s) : ssh_(s) {
  // A get's window adjusts and a command's short replies are short segments: with Nagle on
  // (libssh's default), one can wait for a delayed ACK (~40 ms each). The shell gains from it too.
  if (int one = 1, fd = ssh_ ? ssh_get_fd(ssh_) : -1; fd >= 0)
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace dust::transfer
