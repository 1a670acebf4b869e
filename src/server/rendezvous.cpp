// rendezvous(): socket, lock and log paths (rendezvous.h).
#include "server/rendezvous.h"

#include <fmt/format.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "util/error.h"
#include "util/paths.h"

namespace dust::server {

Rendezvous rendezvous() {
  std::string home = paths::dust_home();
  char resolved[PATH_MAX];
  if (realpath(home.c_str(), resolved)) home = resolved;
  std::string dir;
  std::string name = "server";
  if (const char* x = getenv("XDG_RUNTIME_DIR"); x && *x) {
    dir = paths::join(x, "dust");
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(home.data()), home.size(), md);
    name.clear();
    for (int i = 0; i < 6; ++i) name += fmt::format("{:02x}", md[i]);
  } else {
    dir = paths::join(home, "run");
  }
  return {dir, paths::join(dir, name + ".sock"), paths::join(dir, name + ".lock"),
          paths::join(dir, name + ".log")};
}

void ensure(const Rendezvous& r) {
  paths::ensure_dust_home();
  if (mkdir(r.dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw Error(fmt::format("cannot create {}: {}", r.dir, strerror(errno)));
  struct stat st {};
  if (lstat(r.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(fmt::format("{} is not a directory", r.dir));
  if (st.st_uid != geteuid())
    throw Error(fmt::format("{} belongs to another user (uid {})", r.dir, st.st_uid));
  if ((st.st_mode & 077) != 0) chmod(r.dir.c_str(), 0700);
}

}  // namespace dust::server
