// LocalRawTerminal (raw_terminal.h).
#include "ssh/raw_terminal.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "util/event_loop.h"
#include "util/fd_io.h"

namespace dust::ssh {
namespace {

volatile sig_atomic_t g_winch = 0;
void on_winch(int) { g_winch = 1; }
termios g_saved{};
struct sigaction g_old_sa {};

}  // namespace

std::string LocalRawTerminal::unusable() const {
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
    return "raw mode needs a terminal (give a command: @node cmd)";
  return "";
}

void LocalRawTerminal::begin(std::function<void(std::string_view)> keys) {
  keys_ = std::move(keys);
  tcgetattr(STDIN_FILENO, &g_saved);
  termios raw = g_saved;
  cfmakeraw(&raw);
  tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
  struct sigaction sa {};
  sa.sa_handler = on_winch;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGWINCH, &sa, &g_old_sa);
  first_ = true;
  active_ = true;
  loop_.watch(STDIN_FILENO, POLLIN, [this](short) {
    char buf[4096];
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) return;
    keys_(std::string_view(buf, static_cast<size_t>(n)));  // 0 bytes: our terminal went away
  });
}

void LocalRawTerminal::end() {
  if (!active_) return;
  active_ = false;
  loop_.unwatch(STDIN_FILENO);
  sigaction(SIGWINCH, &g_old_sa, nullptr);
  tcsetattr(STDIN_FILENO, TCSADRAIN, &g_saved);
}

void LocalRawTerminal::write(std::string_view d) { (void)util::write_all(STDOUT_FILENO, d); }

bool LocalRawTerminal::size_changed(int* cols, int* rows) {
  if (!first_ && !g_winch) return false;
  first_ = false;
  g_winch = 0;
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    *cols = ws.ws_col;
    *rows = ws.ws_row;
  } else {
    *cols = 80;
    *rows = 24;
  }
  return true;
}

}  // namespace dust::ssh
