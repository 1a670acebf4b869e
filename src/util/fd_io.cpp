// write_all (fd_io.h).
#include "util/fd_io.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace dust::util {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, 100);
        continue;
      }
      return false;
    }
    if (n == 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

namespace {
int g_stdout_error = 0;
}  // namespace

bool write_stdout(std::string_view bytes) {
  if (write_all(STDOUT_FILENO, bytes)) return true;
  if (!g_stdout_error) g_stdout_error = errno ? errno : EIO;
  return false;
}

int stdout_error() {
  if (!g_stdout_error && (std::fflush(stdout) != 0 || std::ferror(stdout)))
    g_stdout_error = errno ? errno : EIO;
  return g_stdout_error;
}

int exit_status_with_stdout(int status) {
  int e = stdout_error();
  if (!e) return status;
  std::string msg = std::string("dust: cannot write to stdout: ") + std::strerror(e) + "\n";
  (void)write_all(STDERR_FILENO, msg);
  return status == 0 ? 1 : status;
}

bool fill_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd)
    if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
      return false;
  return true;
}

}  // namespace dust::util
