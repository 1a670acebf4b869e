// Environment: the snapshot a request carries (environment.h).
#include "util/environment.h"

#include <unistd.h>

extern char** environ;

namespace dust {

bool Environment::relevant(const std::string& name) {
  static const char* kExact[] = {"HOME",     "USER",  "LOGNAME", "PATH",          "TERM",
                                 "NO_COLOR", "LANG",  "LC_ALL",  "SSH_AUTH_SOCK", "XDG_RUNTIME_DIR",
                                 "COLUMNS",  "SHELL", "TZ"};
  for (const char* e : kExact)
    if (name == e) return true;
  return name.rfind("AWS_", 0) == 0 || name.rfind("DUST_", 0) == 0 || name.rfind("LC_", 0) == 0;
}

Environment Environment::capture() {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string name = kv.substr(0, eq);
    if (relevant(name)) vars.emplace(name, kv.substr(eq + 1));
  }
  return Environment(std::move(vars));
}

std::optional<std::string> Environment::get(const std::string& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

std::string Environment::identity_key() const {
  std::string key;
  for (const auto& [k, v] : vars_)
    if (k.rfind("AWS_", 0) == 0 || k == "HOME") key += k + '\0' + v + '\0';
  return key;
}

}  // namespace dust
