// login_user/login_port: the precedence of Session::start, readable without connecting.
#include "ssh/login.h"

#include <cstdlib>

#include "ssh/ssh_config.h"
#include "util/paths.h"

namespace dust::ssh {

std::string config_path(const Options& o) {
  return o.ssh_config.empty() ? paths::join(paths::home(), ".ssh/config")
                              : paths::expand_user(o.ssh_config);
}

std::string login_user(const Endpoint& e, const Options& o) {
  if (!e.user.empty()) return e.user;
  std::string u = ssh_config_value(config_path(o), e.host, "User");
  return u.empty() ? o.default_user : u;
}

int login_port(const Endpoint& e, const Options& o) {
  if (e.port > 0) return e.port;
  std::string p = ssh_config_value(config_path(o), e.host, "Port");
  int v = p.empty() ? 0 : std::atoi(p.c_str());
  return v > 0 && v < 65536 ? v : 22;
}

}  // namespace dust::ssh
