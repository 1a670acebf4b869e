// Path helpers: where dust's files live; the path arithmetic is std::filesystem's.
#include "util/paths.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace fs = std::filesystem;

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
  std::error_code ec;
  fs::path a = fs::absolute(d, ec);  // the working directory may be gone
  return ec ? "" : a.string();
}

std::string canonical(const std::string& p) {
  std::string a = absolute(p);
  std::error_code ec;
  fs::path c = fs::canonical(a, ec);
  return ec ? a : c.string();
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

std::string join(const std::string& a, const std::string& b) { return (fs::path(a) / b).string(); }

bool exists(const std::string& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

bool is_dir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

}  // namespace dust::paths
