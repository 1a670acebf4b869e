// real_ssh_config_env: the resolver's outside world on this machine — files (with ssh's
// permission check), glob(3), `Match exec` through the user's shell, DNS for canonicalisation,
// the environment and the local user.
#include <arpa/inet.h>
#include <fcntl.h>
#include <glob.h>
#include <netdb.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ssh/ssh_config.h"
#include "util/paths.h"

namespace dust::ssh {

namespace {

SshConfigEnv::File read_file(const std::string& path, bool check_perm) {
  SshConfigEnv::File f;
  struct stat sb;
  if (stat(path.c_str(), &sb) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) f.error = path + ": " + std::strerror(errno);
    return f;
  }
  if (check_perm && ((sb.st_uid != 0 && sb.st_uid != getuid()) || (sb.st_mode & 022) != 0)) {
    f.error = "Bad owner or permissions on " + path;
    return f;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    f.error = "Can't open user config file " + path + ": " + std::strerror(errno);
    return f;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  f.exists = true;
  f.text = ss.str();
  return f;
}

std::vector<std::string> glob_files(const std::string& pattern) {
  glob_t gl{};
  std::vector<std::string> out;
  if (glob(pattern.c_str(), 0, nullptr, &gl) == 0)
    for (size_t i = 0; i < gl.gl_pathc; ++i) out.emplace_back(gl.gl_pathv[i]);
  globfree(&gl);
  return out;
}

// execute_in_shell: $SHELL -c command, stdout and stdin on /dev/null, stderr kept.
int run_shell(const std::string& cmd) {
  const char* sh = std::getenv("SHELL");
  std::string shell = sh && *sh ? sh : "/bin/sh";
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) dup2(devnull, 0), dup2(devnull, 1);
    execl(shell.c_str(), shell.c_str(), "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool resolves(const std::string& fqdn) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(fqdn.c_str(), nullptr, &hints, &res) != 0) return false;
  freeaddrinfo(res);
  return true;
}

}  // namespace

SshConfigEnv real_ssh_config_env() {
  SshConfigEnv e;
  e.read = read_file;
  e.glob = glob_files;
  e.exec = run_shell;
  e.resolves = resolves;
  e.getenv = [](const std::string& n) -> std::optional<std::string> {
    const char* v = std::getenv(n.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  e.home_of = [](const std::string& u) -> std::optional<std::string> {
    struct passwd* pw = getpwnam(u.c_str());
    return pw ? std::optional<std::string>(pw->pw_dir) : std::nullopt;
  };
  e.service_port = [](const std::string& s) {
    struct servent* se = getservbyname(s.c_str(), "tcp");
    return se ? static_cast<int>(ntohs(static_cast<uint16_t>(se->s_port))) : -1;
  };
  struct passwd* pw = getpwuid(getuid());
  e.local_user = pw ? pw->pw_name : "";
  e.home = paths::home();  // dust's ~ is $HOME (PRODUCT.md §1)
  e.uid = std::to_string(getuid());
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  e.hostname = host;
  return e;
}

}  // namespace dust::ssh
