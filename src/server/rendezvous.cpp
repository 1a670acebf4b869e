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
  unsigned char md[SHA256_DIGEST_LENGTH];
  const char* x = getenv("XDG_RUNTIME_DIR");
  // SHA256 fails only where OpenSSL cannot start (an OPENSSL_CONF naming a provider that is not
  // there): then the socket lives in DUST_HOME, never under a name of uninitialised bytes.
  if (x && *x && SHA256(reinterpret_cast<const unsigned char*>(home.data()), home.size(), md)) {
    dir = paths::join(x, "dust");
    name.clear();
    for (int i = 0; i < 6; ++i) name += fmt::format("{:02x}", md[i]);
  } else {
    dir = paths::join(home, "run");
  }
  return {dir, paths::join(dir, name + ".sock"), paths::join(dir, name + ".lock"),
          paths::join(dir, name + ".log")};
}

std::string untrusted(const Rendezvous& r) {
  struct stat st {};
  if (lstat(r.dir.c_str(), &st) != 0) return "";  // nothing there yet: no server
  if (!S_ISDIR(st.st_mode)) return fmt::format("{} is not a directory: not using it", r.dir);
  if (st.st_uid != geteuid())
    return fmt::format("{} belongs to another user (uid {}): not using it", r.dir, st.st_uid);
  if ((st.st_mode & 022) != 0)
    return fmt::format("{} is writable by other users (mode {:o}): not using it", r.dir,
                       st.st_mode & 07777);
  if (lstat(r.socket.c_str(), &st) != 0) return "";
  if (!S_ISSOCK(st.st_mode)) return fmt::format("{} is not a socket: not using it", r.socket);
  if (st.st_uid != geteuid())
    return fmt::format("{} belongs to another user (uid {}): not using it", r.socket, st.st_uid);
  return "";
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
