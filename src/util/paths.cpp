// Path helpers.
#include "util/paths.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace dust::paths {

std::string home() {
  if (const char* h = getenv("HOME"); h && *h) return h;
  if (passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

std::string expand_user(const std::string& p) {
  if (p == "~") return home();
  if (p.rfind("~/", 0) == 0) return join(home(), p.substr(2));
  return p;
}

std::string absolute(const std::string& p) {
  std::string d = expand_user(p);
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  if (d.empty() || d[0] == '/') return d;
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return "";
  return join(cwd, d);
}

std::string canonical(const std::string& p) {
  std::string a = absolute(p);
  char* r = realpath(a.c_str(), nullptr);
  if (!r) return a;
  std::string out(r);
  free(r);
  return out;
}

std::string dust_home() {
  if (const char* d = getenv("DUST_HOME"); d && *d) return expand_user(d);
  return join(home(), ".dustcluster");
}

std::string ensure_dust_home() {
  std::string d = dust_home();
  mkdir(d.c_str(), 0700);
  return d;
}

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (!b.empty() && b[0] == '/') return b;
  return a.back() == '/' ? a + b : a + "/" + b;
}

bool exists(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0;
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace dust::paths
