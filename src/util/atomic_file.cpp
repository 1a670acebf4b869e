// Atomic file replacement (temp + fsync + rename + directory fsync) and whole-file reads.
#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/error.h"

namespace dust::util {

namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw Error(what + " " + path + ": " + std::strerror(err));
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  // The temp file lives beside the target: rename(2) is only atomic within one filesystem.
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) fail("cannot create a temporary file for", path, errno);
  auto abandon = [&](const char* what) {
    int err = errno;
    close(fd);
    unlink(tmp.c_str());
    fail(what, path, err);
  };
  if (fchmod(fd, mode) != 0) abandon("cannot set the mode of");
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) abandon("cannot write");
    p += n;
    left -= static_cast<size_t>(n);
  }
  // fsync before rename, or a crash can leave an empty file under the final name.
  if (fsync(fd) != 0) abandon("cannot sync");
  if (close(fd) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    fail("cannot close", path, err);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    fail("cannot replace", path, err);
  }
  // The rename itself is only durable once the directory entry is synced.
  int dfd = open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
}

std::string read_file(const std::string& path) {
  // A directory opens as a stream that reads nothing: say what it is instead of "empty".
  if (std::error_code ec; std::filesystem::is_directory(path, ec))
    throw Error("cannot read " + path + ": is a directory (a file is needed)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error("cannot read " + path);
  return ss.str();
}

}  // namespace dust::util
