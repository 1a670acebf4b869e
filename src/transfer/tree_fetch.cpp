// get -r as one tar stream (see tree_fetch.h).
#include "transfer/tree_fetch.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include "transfer/link.h"
#include "transfer/remote_name.h"

namespace dust::transfer {

namespace {
// The tail both forms share: the names on stdin of `{ …; } | tar` (NUL-separated, "./"-relative),
// tar to fd 4 (the channel), the statuses of the list's maker and of tar through fd 3 ("f0", "t0").
// --no-recursion must come before -T (GNU tar applies it to the names after it).
constexpr const char* kTarTail =
    "| LC_ALL=C tar -c -f - --format=gnu --no-recursion --hard-dereference -h --null -T - "
    ">&4 3>&-; echo \"t$?\"; } 3>&1 ); "
    "case $s in f0*t0) exit 0;; esac; exit 1";
}  // namespace

std::string tree_command(const std::string& path) {
  // A file: fetch_command's script. A directory: its mode, then find | tar from inside it.
  std::string script =
      std::string(
          "f=$1; "
          "if [ ! -e \"$f\" ]; then "
          "case $(LC_ALL=C ls -d -- \"$f\" 2>&1 >/dev/null) in "
          "*ermission*) echo 'permission denied' >&2;; "
          "*) echo 'no such file or directory' >&2;; esac; "
          "exit 1; fi; "
          "if [ ! -d \"$f\" ]; then "
          "if [ ! -f \"$f\" ]; then echo 'not a regular file' >&2; exit 1; fi; "
          "if [ ! -r \"$f\" ]; then echo 'permission denied' >&2; exit 1; fi; "
          "l=$(LC_ALL=C ls -lnLd -- \"$f\") || exit 1; "
          "set -f; set -- $l; printf '%s %s\\n' \"$1\" \"$5\"; "
          "exec cat -- \"$f\"; fi; "
          "cd -- \"$f\" 2>/dev/null || { echo 'permission denied' >&2; exit 1; }; "
          "l=$(LC_ALL=C ls -lnLd .) || exit 1; "
          "set -f; set -- $l; printf '%s 0\\n' \"$1\"; "
          "exec 4>&1; "
          "s=$( { { LC_ALL=C find -L . -mindepth 1 -print0; echo \"f$?\" >&3; } ") +
      kTarTail;
  return fmt::format("sh -c {} sh {}", shell_quote(script), shell_quote(path));
}

std::string glob_command(const std::string& dir, const std::string& pattern, bool recursive) {
  // The node's sh expands the pattern (unquoted, IFS empty: no word splitting, no command
  // substitution) as "./<pattern>", so a match never starts with '-' and its leading dot stays
  // unmatched unless the pattern has one (as fnmatch's FNM_PERIOD). A directory is walked with -r,
  // else named and left out (as cp). The header is a directory's, mode 0: nothing to set.
  std::string script =
      std::string(
          "d=$1; p=$2; r=$3; "
          "if [ ! -d \"$d\" ]; then "
          "case $(LC_ALL=C ls -d -- \"$d\" 2>&1 >/dev/null) in "
          "*ermission*) echo 'permission denied' >&2;; '') echo 'not a directory' >&2;; "
          "*) echo 'no such directory' >&2;; esac; exit 1; fi; "
          "cd -- \"$d\" 2>/dev/null || { echo 'permission denied' >&2; exit 1; }; "
          "IFS=; set -- ./$p; "
          "if [ $# -eq 1 ] && [ ! -e \"$1\" ] && [ ! -L \"$1\" ]; then "
          "echo 'no match' >&2; exit 1; fi; "
          "printf 'd--------- 0\\n'; "
          "exec 4>&1; "
          "s=$( { { e=0; for f; do "
          "if [ -d \"$f\" ]; then "
          "if [ -n \"$r\" ]; then LC_ALL=C find -L \"$f\" -print0 || e=1; "
          "else printf '%s: is a directory (use -r), not copied\\n' \"$f\" >&2; e=1; fi; "
          "else printf '%s\\0' \"$f\"; fi; done; echo \"f$e\" >&3; } ") +
      kTarTail;
  return fmt::format("sh -c {} sh {} {} {}", shell_quote(script), shell_quote(dir),
                     shell_quote(pattern), recursive ? "r" : "''");
}

namespace {

using Archive = std::unique_ptr<archive, int (*)(archive*)>;

// libarchive's message for the last error; it has none for some malformed streams (NULL).
std::string stream_error(archive* a) {
  const char* e = archive_error_string(a);
  return fmt::format("the tree's stream: {}", e ? e : "malformed");
}

Archive open_spool(int fd, std::string* err) {
  Archive a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (lseek(fd, 0, SEEK_SET) != 0) {
    *err = fmt::format("spool: {}", std::strerror(errno));
    return Archive(nullptr, archive_read_free);
  }
  if (archive_read_open_fd(a.get(), fd, 256 * 1024) != ARCHIVE_OK) {
    *err = stream_error(a.get());
    return Archive(nullptr, archive_read_free);
  }
  return a;
}

std::string join(const std::string& a, const std::string& b) {
  return a.empty() ? b : a.back() == '/' ? a + b : a + "/" + b;
}

// "./a/b/" → "a/b" with each component checked, then the first given `suffix`; "" + *why when it
// is refused. The top is level 0: a directory at level `max_depth` or deeper is refused, and so is
// a file below it (OpenSSH sftp's MAX_DIR_DEPTH).
std::string relative_name(const std::string& raw, bool dir, const TreeOptions& opt,
                          std::string* why) {
  std::string s = raw;
  if (s.rfind("./", 0) != 0) return *why = "refused the name: not below the directory", "";
  s = s.substr(2);
  if (!s.empty() && s.back() == '/') s.pop_back();  // tar marks directories with a trailing '/'
  int depth = 1;                                    // components
  for (size_t from = 0;; ++depth) {
    size_t slash = s.find('/', from);
    std::string part =
        s.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
    if (std::string r = unsafe_name_reason(part); !r.empty())
      return *why = "refused the name: " + r, "";
    if (slash == std::string::npos) break;
    from = slash + 1;
  }
  if (depth > opt.max_depth || (dir && depth == opt.max_depth))
    return *why = fmt::format("more than {} directory levels, not copied", opt.max_depth), "";
  if (!opt.suffix.empty()) s.insert(std::min(s.find('/'), s.size()), opt.suffix);
  return s;
}

struct Entry {
  std::string rel;  // "" when left out
  bool dir = false;
};

// Pass 1: every header, no data. Entries in stream order.
bool list(int spool, const std::string& top, const TreeOptions& opt, std::vector<Entry>* out,
          std::vector<std::string>* skipped, std::string* err) {
  Archive a = open_spool(spool, err);
  if (!a) return false;
  std::set<std::string> seen;
  std::string cut;  // a directory left out for its depth: what is below it goes without a word
  archive_entry* e = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    const char* p = archive_entry_pathname(e);
    std::string raw = p ? p : "";
    std::string why;
    mode_t type = archive_entry_filetype(e);
    bool dir = type == AE_IFDIR;
    std::string rel = relative_name(raw, dir, opt, &why);
    if (!cut.empty() && raw.rfind(cut, 0) == 0) {
      rel.clear();
    } else if (rel.empty()) {
      skipped->push_back(fmt::format("{}: {}", quote_name(raw), why));
      if (dir && why.find("levels") != std::string::npos) cut = raw.back() == '/' ? raw : raw + "/";
    } else if (type == AE_IFLNK || archive_entry_hardlink(e)) {
      skipped->push_back(fmt::format("{}: a link, not copied", quote_name(rel)));
      rel.clear();
    } else if (!dir && type != AE_IFREG) {
      skipped->push_back(fmt::format("{}: not a regular file", quote_name(rel)));
      rel.clear();
    } else if (!seen.insert(rel).second) {
      skipped->push_back(fmt::format("{}: listed twice", quote_name(rel)));
      rel.clear();
    } else if (!dir && !opt.force) {
      struct stat st {};
      std::string dst = join(top, rel);
      if (lstat(dst.c_str(), &st) == 0)
        return *err = fmt::format("{} exists (use -f to overwrite)", dst), false;
    }
    out->push_back({rel, dir});
    if (archive_read_data_skip(a.get()) != ARCHIVE_OK) return *err = stream_error(a.get()), false;
  }
  if (rc != ARCHIVE_EOF) return *err = stream_error(a.get()), false;
  return true;
}

bool make_dir(const std::string& path, std::string* err) {
  if (mkdir(path.c_str(), 0700) == 0) return true;
  struct stat st {};
  if (errno == EEXIST && stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return true;
  if (errno == EEXIST) return *err = fmt::format("{}: exists and is not a directory", path), false;
  return *err = fmt::format("{}: {}", path, std::strerror(errno)), false;
}

bool write_file(archive* a, archive_entry* e, const std::string& dst, uint64_t* bytes,
                std::string* err) {
  std::string part = dst + ".dust-part";
  int fd = open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return *err = fmt::format("{}: {}", part, std::strerror(errno)), false;
  const void* buf;
  size_t size;
  la_int64_t offset;
  int rc;
  bool ok = true;
  while (ok && (rc = archive_read_data_block(a, &buf, &size, &offset)) == ARCHIVE_OK) {
    for (size_t done = 0; ok && done < size;) {
      ssize_t w = pwrite(fd, static_cast<const char*>(buf) + done, size - done,
                         static_cast<off_t>(offset) + static_cast<off_t>(done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) ok = false, *err = fmt::format("{}: {}", part, std::strerror(errno));
      done += w > 0 ? static_cast<size_t>(w) : 0;
    }
    *bytes += size;
  }
  if (ok && rc != ARCHIVE_EOF) ok = false, *err = stream_error(a);
  off_t length = static_cast<off_t>(archive_entry_size(e));
  if (ok && (ftruncate(fd, length) != 0 || fchmod(fd, archive_entry_perm(e) & 07777) != 0))
    ok = false, *err = fmt::format("{}: {}", part, std::strerror(errno));
  if (close(fd) != 0 && ok) ok = false, *err = fmt::format("{}: {}", part, std::strerror(errno));
  if (ok && rename(part.c_str(), dst.c_str()) != 0)
    ok = false, *err = fmt::format("{}: {}", dst, std::strerror(errno));
  if (!ok) unlink(part.c_str());
  return ok;
}

}  // namespace

bool extract_tree(int spool, const std::string& top, const TreeOptions& opt, TreeResult* result,
                  std::vector<std::string>* skipped, std::string* err) {
  std::vector<Entry> entries;
  if (!list(spool, top, opt, &entries, skipped, err)) return false;
  Archive a = open_spool(spool, err);
  if (!a) return false;
  if (!make_dir(top, err)) return false;
  std::vector<std::pair<std::string, uint32_t>> dir_modes;
  if (opt.top_mode) dir_modes.emplace_back(top, opt.top_mode & 07777);
  archive_entry* e = nullptr;
  bool ok = true;
  for (const Entry& want : entries) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      ok = false, *err = stream_error(a.get());
      break;
    }
    if (want.rel.empty()) continue;
    std::string dst = join(top, want.rel);
    // find lists a directory before what it holds; a stream that does not still gets its parents.
    for (size_t s = want.rel.find('/'); ok && s != std::string::npos; s = want.rel.find('/', s + 1))
      ok = make_dir(join(top, want.rel.substr(0, s)), err);
    if (!ok) break;
    if (want.dir) {
      if (!(ok = make_dir(dst, err))) break;
      dir_modes.emplace_back(dst, archive_entry_perm(e) & 07777);
      ++result->dirs;
    } else {
      if (!(ok = write_file(a.get(), e, dst, &result->bytes, err))) break;
      ++result->files;
    }
  }
  // Deepest first. Kept writable by their owner, as a get -r walked over SFTP did: a second get
  // -f into them works.
  for (auto it = dir_modes.rbegin(); it != dir_modes.rend(); ++it)
    chmod(it->first.c_str(), it->second | 0700);
  return ok;
}

}  // namespace dust::transfer
