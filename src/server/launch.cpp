// connect_server, start_and_connect: the server's process life (launch.h).
#include "server/launch.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "server/connect.h"
#include "server/rendezvous.h"
#include "server/server.h"
#include "shell/context.h"
#include "shell/transcript.h"
#include "util/error.h"
#include "util/interrupt.h"

namespace dust::server {
namespace {

// The server process: takes the lock (or leaves: another server runs), listens, serves.
[[noreturn]] void serve(const shell::Config& config, const std::string& log_dir) {
  int status = 1;
  interrupt::after_fork();
  // The server holds passwords and AWS keys in memory for a moment: never in a core file, and no
  // other process of the user may ptrace it.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  try {
    Rendezvous r = rendezvous();
    ensure(r);
    int lock = open(r.lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock < 0) throw Error(fmt::format("cannot open {}: {}", r.lock, std::strerror(errno)));
    // Another server has the lock: while it listens, ours is not needed; while it is ending
    // (it stopped listening), ours takes over when it lets go.
    for (int i = 0; flock(lock, LOCK_EX | LOCK_NB) != 0; ++i) {
      std::string err;
      int probe = i % 10 == 0 ? connect_server(&err) : -1;
      if (probe >= 0 || i > 600) _exit(0);
      usleep(50 * 1000);
    }
    std::string pid = fmt::format("{}\n", getpid());  // for whoever must find the server's process
    if (ftruncate(lock, 0) != 0 || pwrite(lock, pid.data(), pid.size(), 0) < 0) {
    }
    sockaddr_un a;
    std::string err;
    if (!socket_address(r.socket, &a, &err)) throw Error(err);
    unlink(r.socket.c_str());  // stale: its server is gone (we hold the lock)
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    mode_t old = umask(0177);
    int rc = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    umask(old);
    if (rc != 0 || listen(fd, 64) != 0)
      throw Error(fmt::format("cannot listen on {}: {}", r.socket, std::strerror(errno)));
    chmod(r.socket.c_str(), 0600);
    int log = open(r.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    {
      // Built while stdout is still the first client's: colour is decided by its terminal.
      shell::Context ctx(config, shell::Mode::Interactive, false, false);
      if (!log_dir.empty()) shell::set_log_dir(ctx, log_dir);
      int null = open("/dev/null", O_RDWR | O_CLOEXEC);
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
      dup2(log >= 0 ? log : null, STDERR_FILENO);
      close(null);
      Server server(ctx, fd, r.socket, config.server_idle_timeout_s);
      server.run();
    }
    status = 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dust server: %s\n", e.what());
  }
  std::fflush(stderr);
  _exit(status);
}

}  // namespace

int start_and_connect(const shell::Config& config, const std::string& log_dir, std::string* err) {
  int fd = connect_server(err);
  if (fd >= 0 || !err->empty()) return fd;
  try {
    ensure(rendezvous());
  } catch (const Error& e) {
    *err = e.what();
    return -1;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t child = fork();
  if (child < 0) {
    *err = fmt::format("cannot start the dust server: {}", std::strerror(errno));
    return -1;
  }
  if (child == 0) {
    setsid();
    if (fork() == 0) serve(config, log_dir);
    _exit(0);
  }
  int st = 0;
  while (waitpid(child, &st, 0) < 0 && errno == EINTR) {
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    fd = connect_server(err);
    if (fd >= 0 || !err->empty()) return fd;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *err = fmt::format("the dust server did not start (see {})", rendezvous().log);
  return -1;
}

}  // namespace dust::server
