// SIGINT counter with a self-pipe so poll() wakes up.
#include "util/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace dust::interrupt {
namespace {
std::atomic<int> g_count{0};
int g_pipe[2] = {-1, -1};

void on_sigint(int) {
  int saved = errno;
  g_count.fetch_add(1);
  if (g_pipe[1] >= 0) {
    char c = 'i';
    (void)!::write(g_pipe[1], &c, 1);
  }
  errno = saved;
}
}  // namespace

void install() {
  if (g_pipe[0] < 0 && pipe(g_pipe) == 0) {
    for (int fd : g_pipe) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
  }
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR and check the flag
  sigaction(SIGINT, &sa, nullptr);
}

int count() { return g_count.load(); }
void reset() { g_count.store(0); }
bool pending() { return g_count.load() > 0; }
int wake_fd() { return g_pipe[0]; }

void drain() {
  char buf[64];
  while (g_pipe[0] >= 0 && ::read(g_pipe[0], buf, sizeof buf) > 0) {
  }
}

void after_fork() {
  for (int& fd : g_pipe) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  g_count.store(0);
  install();
}

}  // namespace dust::interrupt
