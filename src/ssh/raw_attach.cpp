// attach_raw: terminal raw mode, byte pumping, SIGWINCH → window-change, triple Ctrl-C detach.
#include "ssh/raw_attach.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace dust::ssh {

namespace {

volatile sig_atomic_t g_winch = 0;
void on_winch(int) { g_winch = 1; }

void window_size(int* cols, int* rows) {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    *cols = ws.ws_col;
    *rows = ws.ws_row;
  } else {
    *cols = 80;
    *rows = 24;
  }
}

void write_all(int fd, std::string_view d) {
  while (!d.empty()) {
    ssize_t n = ::write(fd, d.data(), d.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, 100);
        continue;
      }
      return;
    }
    d.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

RawEnd attach_raw(Pool& pool, const Endpoint& ep, std::string* err,
                  const std::function<void()>& attaching,
                  std::function<void(std::string_view)> received) {
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    *err = "raw mode needs a terminal (give a command: @node cmd)";
    return RawEnd::Failed;
  }
  Session* s = pool.ready_session(ep, err, /*busy_ok=*/true);
  if (!s) return RawEnd::Failed;
  if (attaching) attaching();
  termios saved{};
  tcgetattr(STDIN_FILENO, &saved);
  termios raw = saved;
  cfmakeraw(&raw);
  tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
  struct sigaction sa {
  }, old_sa{};
  sa.sa_handler = on_winch;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGWINCH, &sa, &old_sa);

  int cols, rows;
  window_size(&cols, &rows);
  bool detached = false;
  int ctrl_c = 0;
  s->enter_raw(
      [received = std::move(received)](std::string_view d) {
        write_all(STDOUT_FILENO, d);
        if (received) received(d);
      },
      cols, rows);
  EventLoop& loop = pool.loop();
  loop.watch(STDIN_FILENO, POLLIN, [&](short) {
    char buf[4096];
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
      if (n == 0) detached = true;  // our terminal went away
      return;
    }
    // Three Ctrl-C in a row (nothing between) mean "back to dust"; each still reaches the remote,
    // so a running program is interrupted as the user expects.
    for (ssize_t i = 0; i < n; ++i) ctrl_c = buf[i] == '\x03' ? ctrl_c + 1 : 0;
    s->write_raw(std::string_view(buf, static_cast<size_t>(n)));
    if (ctrl_c >= 3) detached = true;
  });
  loop.run_until(
      [&] {
        if (g_winch) {
          g_winch = 0;
          window_size(&cols, &rows);
          s->resize(cols, rows);
        }
        return detached || s->state() != Session::State::Raw;
      },
      std::chrono::milliseconds(50));
  loop.unwatch(STDIN_FILENO);
  sigaction(SIGWINCH, &old_sa, nullptr);
  tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
  if (s->state() == Session::State::Raw) {
    s->leave_raw();
    write_all(STDOUT_FILENO, "\r\n");
    return RawEnd::Detached;
  }
  write_all(STDOUT_FILENO, "\r\n");
  return RawEnd::SessionEnded;
}

}  // namespace dust::ssh
