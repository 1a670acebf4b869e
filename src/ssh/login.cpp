// login_user/login_port: host_settings, the values Session::start connects with.
#include "ssh/login.h"

#include "util/error.h"

namespace dust::ssh {

// A config ssh refuses makes the session fail with that message; here the node still gets the
// values dust would fall back to.
std::string login_user(const Endpoint& e, const Options& o) {
  try {
    return host_settings(e, o).cfg.user;
  } catch (const Error&) {
    return e.user.empty() ? o.default_user : e.user;
  }
}

int login_port(const Endpoint& e, const Options& o) {
  try {
    return host_settings(e, o).cfg.port;
  } catch (const Error&) {
    return e.port > 0 ? e.port : 22;
  }
}

}  // namespace dust::ssh
