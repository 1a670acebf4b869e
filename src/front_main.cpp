// dust, the front: the `dust` a person runs. A one-shot or a script that a running server will
// serve is sent to it from here, a binary that links none of ssh, AWS, Lua or libarchive and so
// starts in a few milliseconds (dust-core loads ~50 libraries: 10-22 ms before main); what it uses
// it links statically (CMakeLists.txt), so it loads no shared library but libc. Everything
// else, and anything this front is unsure of, is dust-core's, which replaces this process (exec):
// same pid, same terminal, same signals, same arguments.
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "server/served.h"
#include "shell/invocation.h"
#include "shell/words.h"
#include "util/fd_io.h"
#include "util/log.h"

namespace {

// dust-core beside this binary (a build tree) or in <prefix>/libexec/dust/ (installed).
std::string core_path() {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "";
  std::string dir(exe, static_cast<size_t>(n));
  dir.erase(dir.rfind('/') + 1);
  std::string beside = dir + "dust-core";
  if (access(beside.c_str(), F_OK) == 0) return beside;  // not executable: execv says so
  return dir + "../libexec/dust/dust-core";
}

[[noreturn]] void run_core(char** argv) {
  std::string core = core_path();
  execv(core.c_str(), argv);
  std::fprintf(stderr, "dust: cannot run %s: %s\n", core.empty() ? "dust-core" : core.c_str(),
               std::strerror(errno));
  _exit(127);
}

// The one-shot line or script this invocation is, when the front may send it to a server.
bool servable(const dust::shell::Invocation& inv) {
  if (inv.man || inv.bash_completion) return false;
  if (!inv.words.empty() && dust::server::is_server_word(inv.words[0])) return false;
  return !(inv.words.empty() && isatty(STDIN_FILENO));  // not interactive
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dust;
  if (!util::fill_standard_fds()) return 125;
  shell::Invocation inv = shell::parse_invocation(argc, argv);
  if (inv.exit_status) return *inv.exit_status;  // --help, a usage error: said already
  if (inv.version && !inv.man && !inv.bash_completion) {
    std::printf("dust %s\n", DUST_VERSION);
    return 0;
  }
  if (!servable(inv)) run_core(argv);
  log::Level level;
  if (!inv.level.empty() && !log::parse_level(inv.level, &level)) run_core(argv);  // it says why
  std::string err;
  std::optional<server::ClientSetup> setup = server::client_setup(inv, &err);
  if (!setup) run_core(argv);  // dust-core says what is wrong
  if (!inv.level.empty()) log::set_level(level);
  std::optional<std::string> line;
  if (!inv.words.empty()) line = shell::one_shot_line(inv.words);
  // Without a server dust-core gets this process as it was: nothing read from stdin, no signal
  // handler installed (run_served installs it once the server is there).
  std::optional<int> status = server::run_served(*setup, inv, line, &err);
  if (status) return *status;
  run_core(argv);
}
