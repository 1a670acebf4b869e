// LocalClientIo and the local shell runner (client_io.h).
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "shell/client_io.h"
#include "shell/remote_stdin.h"
#include "util/error.h"
#include "util/fd_io.h"
#include "util/interrupt.h"

namespace dust::shell {
namespace {

std::string current_dir() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? buf : "/";
}

void write_all(int fd, std::string_view s) { (void)util::write_all(fd, s); }

int open_tty() { return open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY); }

}  // namespace

LocalClientIo::LocalClientIo(EventLoop& loop)
    : env_(Environment::capture()), cwd_(current_dir()), raw_(loop) {}

bool LocalClientIo::stdin_tty() const { return isatty(STDIN_FILENO) != 0; }
bool LocalClientIo::stderr_tty() const { return isatty(STDERR_FILENO) != 0; }

bool LocalClientIo::can_ask() const { return have_terminal(); }

std::optional<std::string> LocalClientIo::ask(const std::string& question, bool secret) {
  return ask_on_terminal(question, secret);
}

bool have_terminal() {
  int fd = open_tty();
  if (fd < 0) return false;
  close(fd);
  return true;
}

std::optional<std::string> ask_on_terminal(const std::string& question, bool secret) {
  int fd = open_tty();
  if (fd < 0) return std::nullopt;
  write_all(fd, question);
  termios saved{};
  bool restore = false;
  if (tcgetattr(fd, &saved) == 0) {
    termios t = saved;
    t.c_lflag |= ICANON | ECHO;
    if (secret) t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    restore = tcsetattr(fd, TCSANOW, &t) == 0;
  }
  std::string line;
  bool ok = false;
  for (;;) {
    char c;
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0) break;  // EINTR: Ctrl-C at the question (dust's handler has no SA_RESTART)
    if (n == 0) {
      ok = !line.empty();
      break;
    }
    if (c == '\n') {
      ok = true;
      break;
    }
    line.push_back(c);
  }
  if (restore) tcsetattr(fd, TCSANOW, &saved);
  if (secret || !ok) write_all(fd, "\n");
  close(fd);
  if (!ok) return std::nullopt;
  return line;
}

std::optional<std::string> LocalClientIo::stdin_data() {
  if (stdin_use_ == StdinUse::None) return std::nullopt;
  if (stdin_use_ == StdinUse::Eof) return std::string();
  if (!stdin_) stdin_ = read_all_stdin().value_or(std::string());
  if (isatty(STDIN_FILENO)) return std::nullopt;
  return stdin_;
}

std::optional<std::string> read_all_stdin() {
  if (isatty(STDIN_FILENO)) return std::nullopt;
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      if (interrupt::count() > 0) throw Error("interrupted while reading stdin");
      continue;
    }
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > kMaxStdin)
      throw Error(fmt::format("stdin is larger than {} MiB: copy it with put, or give --nostdin",
                              kMaxStdin >> 20));
  }
  return data;
}

int LocalClientIo::columns() const {
  struct winsize ws {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void LocalClientIo::change_directory(const std::string& dir) {
  if (chdir(dir.c_str()) != 0) throw Error(fmt::format("cd: {}: {}", dir, strerror(errno)));
  previous_cwd_ = std::exchange(cwd_, dir);
  setenv("PWD", dir.c_str(), 1);  // what a local command's shell reports as $PWD
}

int LocalClientIo::run_local(const std::string& command) {
  return run_local_command(command, job_control_);
}

namespace {
// Local commands stopped at Ctrl-Z: reaped once they end (continued, or killed from another one),
// so none stays a zombie until dust exits.
std::vector<pid_t>& stopped_commands() {
  static std::vector<pid_t> pids;
  return pids;
}

void reap_stopped_commands() {
  auto& pids = stopped_commands();
  for (auto it = pids.begin(); it != pids.end();) {
    int st = 0;
    pid_t r = waitpid(*it, &st, WNOHANG);
    it = r == *it || (r < 0 && errno == ECHILD) ? pids.erase(it) : it + 1;
  }
}
}  // namespace

int run_local_command(const std::string& command, bool job_control) {
  reap_stopped_commands();
  // Job control only in the interactive shell, and where it owns the terminal's foreground.
  int tty = job_control && isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp()
                ? STDIN_FILENO
                : -1;
  // The terminal's modes, put back when the command is stopped or killed in the middle of changing
  // them (raw mode, no echo), as a shell does; a command that ends normally keeps what it set.
  struct termios modes {};
  bool have_modes = tty >= 0 && tcgetattr(tty, &modes) == 0;
  // posix_spawn (a vfork), never fork: a fork write-protects every page of this process, and with
  // many sessions open each of thousands of pages then faulted once more on its next write — the
  // first `@* cmd` on 100 nodes after a `!cmd` took 60 ms longer than the next one.
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_init(&actions);
  short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (tty >= 0) {
    flags |= POSIX_SPAWN_SETPGROUP;  // its own group (0: its pid), the terminal's foreground
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawn_file_actions_addtcsetpgrp_np(&actions, tty);
  }
  posix_spawnattr_setflags(&attr, flags);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGPIPE, SIGCONT, SIGWINCH})
    sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // dust's ssh sockets and pipes
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t pid = -1;
  int err = posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return 127;
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, tty >= 0 ? WUNTRACED : 0);
    if (r < 0 && errno == EINTR) continue;
    break;
  }
  if (tty >= 0) {
    void (*old)(int) = signal(SIGTTOU, SIG_IGN);
    tcsetpgrp(tty, getpgrp());  // the terminal is dust's again
    if (have_modes && (WIFSTOPPED(status) || WIFSIGNALED(status)))
      tcsetattr(tty, TCSADRAIN, &modes);
    signal(SIGTTOU, old);
  }
  if (WIFSTOPPED(status)) {
    // The command's process group (its pid): sh may have started the command as a child of its own.
    stopped_commands().push_back(pid);
    std::fprintf(stderr,
                 "\ndust: stopped: %s (process group %d); `!kill -CONT -%d` lets it go on in the "
                 "background, `!kill -KILL -%d` ends it\n",
                 command.c_str(), pid, pid, pid);
    return 128 + WSTOPSIG(status);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace dust::shell
