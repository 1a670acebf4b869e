// Batch: many small files as one tar stream (see batch.h).
#include "transfer/batch.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "transfer/link.h"

namespace dust::transfer {
namespace {

// libarchive's message for the last error, which may be NULL.
const char* why(archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

bool add(archive* a, const std::string& name, const std::string& src, uint64_t size, uint32_t mode,
         std::string* err) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, mode);
  archive_entry_set_size(e, static_cast<la_int64_t>(size));
  archive_entry_set_mtime(e, time(nullptr), 0);
  bool ok = archive_write_header(a, e) == ARCHIVE_OK;
  archive_entry_free(e);
  if (!ok) return *err = fmt::format("{}: {}", src, why(a)), false;
  if (src.empty()) return true;
  int fd = open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return *err = fmt::format("{}: {}", src, std::strerror(errno)), false;
  char buf[64 * 1024];
  uint64_t left = size;
  while (left > 0) {
    ssize_t n = read(fd, buf, std::min<uint64_t>(sizeof buf, left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *err = fmt::format("{}: {}", src, n < 0 ? std::strerror(errno) : "file shrank");
      close(fd);
      return false;
    }
    if (archive_write_data(a, buf, static_cast<size_t>(n)) != n) {
      *err = fmt::format("{}: {}", src, why(a));
      close(fd);
      return false;
    }
    left -= static_cast<uint64_t>(n);
  }
  close(fd);
  return true;
}

}  // namespace

int make_batch_tar(const std::vector<BatchFile>& files, uint64_t* size, std::string* err) {
  int fd = memfd_create("dust-batch", MFD_CLOEXEC);
  if (fd < 0) return *err = fmt::format("memfd_create: {}", std::strerror(errno)), -1;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);   // ustar unless a name needs more
  archive_write_set_bytes_in_last_block(a, 1);  // no padding to 10 KiB: fewer bytes per batch
  bool ok = archive_write_open_fd(a, fd) == ARCHIVE_OK;
  if (!ok) *err = fmt::format("tar: {}", why(a));
  for (size_t i = 0; ok && i < files.size(); ++i)
    ok = add(a, files[i].name, files[i].src, files[i].size, files[i].mode, err);
  if (ok) ok = add(a, kBatchEnd, "", 0, 0600, err);
  if (ok && archive_write_close(a) != ARCHIVE_OK) ok = false, *err = fmt::format("tar: {}", why(a));
  archive_write_free(a);
  struct stat st {};
  if (ok && fstat(fd, &st) != 0) ok = false, *err = std::strerror(errno);
  if (!ok) return close(fd), -1;
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

std::string batch_command(const std::string& dir, const std::string& stage,
                          const std::vector<BatchFile>& files, uint32_t dir_mode) {
  // rm before any message: when the connection is gone, writing to stderr may end the shell.
  // tar -o: files owned by the login user even for root; -p: the archive's modes, no umask.
  static const char* script =
      "d=$1; t=$2; m=$3; shift 3; "
      // Another upload may make `d` at the same moment: that is no error (SFTP mkdir's "exists").
      "if [ -n \"$m\" ] && [ ! -d \"$d\" ]; then "
      "e=$(mkdir -m 700 -- \"$d\" 2>&1) || [ -d \"$d\" ] || { echo \"$e\" >&2; exit 1; }; fi; "
      "mkdir -m 700 -- \"$t\" || exit 1; "
      "tar -x -o -p -f - -C \"$t\" 2>\"$t.err\"; "
      "if [ ! -e \"$t/" /* end marker */
      ".dust-batch-end\" ]; then "
      "e=$(cat \"$t.err\"); rm -rf -- \"$t\" \"$t.err\"; "
      "if [ -n \"$m\" ]; then chmod \"$m\" -- \"$d\"; fi; "
      "echo \"the file batch did not arrive whole${e:+: $e}\" >&2; exit 1; fi; "
      "rm -f -- \"$t.err\"; (cd -- \"$t\" && exec mv -f -- \"$@\" ..); r=$?; rm -rf -- \"$t\"; "
      "if [ -n \"$m\" ]; then chmod \"$m\" -- \"$d\"; fi; exit $r";
  std::string cmd =
      fmt::format("sh -c {} sh {} {} {}", shell_quote(script), shell_quote(dir), shell_quote(stage),
                  dir_mode ? fmt::format("{:o}", dir_mode) : "''");
  for (const auto& f : files) cmd += " " + shell_quote(f.name);
  return cmd;
}

std::string dir_command(const std::string& root, const std::string& dir, uint32_t mode) {
  static const char* script =
      "r=$1; d=$2; m=$3; "
      "if [ -n \"$r\" ] && [ ! -d \"$r\" ]; then "
      "if [ -e \"$r\" ]; then echo \"$r: not a directory\" >&2; "
      "else echo \"$r: no such directory\" >&2; fi; exit 1; fi; "
      "if [ ! -d \"$d\" ]; then "
      "if [ -e \"$d\" ] || [ -L \"$d\" ]; then echo \"$d: exists and is not a directory\" >&2; "
      "exit 1; fi; "
      // Another upload may make `d` at the same moment: that is no error (SFTP mkdir's "exists").
      "e=$(mkdir -m 700 -- \"$d\" 2>&1) || [ -d \"$d\" ] || { "
      "case $e in *ermission*) e='permission denied';; *) e=${e##*: };; esac; "
      "echo \"$d: $e\" >&2; exit 1; }; fi; "
      "chmod \"$m\" -- \"$d\"";
  return fmt::format("sh -c {} sh {} {} {:o}", shell_quote(script), shell_quote(root),
                     shell_quote(dir), mode);
}

}  // namespace dust::transfer
