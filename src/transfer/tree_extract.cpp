// Extraction of a node's tar stream (see tree_extract.h).
#include "transfer/tree_extract.h"

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

#include "transfer/remote_name.h"

namespace dust::transfer {
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
  if (b.empty()) return a;
  return a.empty() ? b : a.back() == '/' ? a + b : a + "/" + b;
}

std::pair<std::string, std::string> split(const std::string& rel) {
  auto s = rel.rfind('/');
  if (s == std::string::npos) return {"", rel};
  return {rel.substr(0, s), rel.substr(s + 1)};
}

// The directories below the top, each opened from the one above with O_NOFOLLOW: a symlink below
// the top is never followed, whoever made it.
class Below {
 public:
  Below(int top, std::string top_path) : top_(top), top_path_(std::move(top_path)) {}
  ~Below() { forget(); }
  Below(const Below&) = delete;
  Below& operator=(const Below&) = delete;

  static constexpr int kAbsent = -2;
  // The fd of directory `rel` ("": the top), kept until the next call; made (mode 700) where
  // missing when `make`, else kAbsent. -1 + *err: something else is in the way.
  int dir(const std::string& rel, bool make, std::string* err) {
    if (rel.empty()) return top_;
    if (fd_ >= 0 && rel == rel_) return fd_;
    forget();
    int cur = top_;
    for (size_t from = 0;;) {
      size_t slash = rel.find('/', from);
      std::string part = rel.substr(from, slash == std::string::npos ? slash : slash - from);
      int next = openat(cur, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && errno == ENOENT && make) {
        if (mkdirat(cur, part.c_str(), 0700) != 0 && errno != EEXIST)
          return fail(cur, part, rel.substr(0, slash), err);
        next = openat(cur, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      if (next < 0) {
        if (errno == ENOENT && !make) {
          if (cur != top_) close(cur);
          return kAbsent;
        }
        return fail(cur, part, rel.substr(0, slash), err);
      }
      if (cur != top_) close(cur);
      cur = next;
      if (slash == std::string::npos) break;
      from = slash + 1;
    }
    rel_ = rel;
    return fd_ = cur;
  }

 private:
  int fail(int cur, const std::string& part, const std::string& at, std::string* err) {
    int e = errno;
    struct stat st {};
    // O_DIRECTORY | O_NOFOLLOW on a symlink says ENOTDIR (or ELOOP): which it was, lstat says.
    bool link = fstatat(cur, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
    if (cur != top_) close(cur);
    std::string path = join(top_path_, at);
    *err = link || e == ELOOP ? fmt::format("{}: a symbolic link in the way (not followed)", path)
           : e == ENOTDIR     ? fmt::format("{}: exists and is not a directory", path)
                              : fmt::format("{}: {}", path, std::strerror(e));
    return -1;
  }
  void forget() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    rel_.clear();
  }
  int top_;
  std::string top_path_;
  int fd_ = -1;
  std::string rel_;
};

// "./a/b/" → "a/b" with each component checked, then the first given `suffix`; "" + *why when it
// is refused. The top is level 0: a directory at level `max_depth` or deeper is refused, and so is
// a file below it (OpenSSH sftp's MAX_DIR_DEPTH).
std::string relative_name(const std::string& raw, bool dir, const TreeOptions& opt,
                          std::string* why) {
  if (raw.size() > kMaxTreeName)
    return *why = fmt::format("refused the name: longer than {} bytes", kMaxTreeName), "";
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

// A name for a message: quoted, and cut when it is long.
std::string shown(const std::string& raw) {
  if (raw.size() <= 200) return quote_name(raw);
  return quote_name(raw.substr(0, 200)) + fmt::format("… ({} bytes)", raw.size());
}

struct Entry {
  std::string rel;  // "" when left out
  bool dir = false;
};

class Skipped {
 public:
  explicit Skipped(std::vector<std::string>* out) : out_(out) {}
  void add(std::string line) {
    if (named_ < kMaxSkippedNamed)
      out_->push_back(std::move(line)), ++named_;
    else
      ++more_;
  }
  ~Skipped() {
    if (more_) out_->push_back(fmt::format("and {} more left out", more_));
  }

 private:
  std::vector<std::string>* out_;
  size_t named_ = 0, more_ = 0;
};

// What is in the way of writing `e` (checked before anything is written): "" when nothing.
std::string in_the_way(Below& below, const std::string& top, const Entry& e, bool force) {
  auto [parent, name] = split(e.rel);
  std::string err;
  int pfd = below.dir(parent, false, &err);
  if (pfd == -1) return err;
  if (pfd == Below::kAbsent) return "";  // made fresh when written: nothing there yet
  std::string dst = join(top, e.rel);
  struct stat st {};
  if (fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) {
      if (e.dir) return fmt::format("{}: a symbolic link in the way (not followed)", dst);
    } else if (e.dir != S_ISDIR(st.st_mode)) {
      return e.dir ? fmt::format("{}: exists and is not a directory", dst)
                   : fmt::format("{}: is a directory", dst);
    }
    if (!e.dir && !force) return fmt::format("{} exists (use -f to overwrite)", dst);
  }
  if (!e.dir && fstatat(pfd, (name + ".dust-part").c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
    return fmt::format("{}.dust-part exists (a cut transfer leaves one: remove it)", dst);
  return "";
}

// Pass 1: every header, no data. Entries in stream order.
bool list(int spool, Below& below, const std::string& top, const TreeOptions& opt,
          std::vector<Entry>* out, Skipped& skipped, std::string* err) {
  Archive a = open_spool(spool, err);
  if (!a) return false;
  std::set<std::string> seen;
  std::string cut;  // a directory left out for its depth: what is below it goes without a word
  archive_entry* e = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    if (opt.cancelled && opt.cancelled()) return *err = "interrupted", false;
    const char* p = archive_entry_pathname(e);
    std::string raw = p ? p : "";
    std::string why;
    mode_t type = archive_entry_filetype(e);
    bool dir = type == AE_IFDIR;
    std::string rel = relative_name(raw, dir, opt, &why);
    if (!cut.empty() && raw.rfind(cut, 0) == 0) {
      rel.clear();
    } else if (rel.empty()) {
      skipped.add(fmt::format("{}: {}", shown(raw), why));
      if (dir && why.find("levels") != std::string::npos) cut = raw.back() == '/' ? raw : raw + "/";
    } else if (type == AE_IFLNK || archive_entry_hardlink(e)) {
      skipped.add(fmt::format("{}: a link, not copied", shown(rel)));
      rel.clear();
    } else if (!dir && type != AE_IFREG) {
      skipped.add(fmt::format("{}: not a regular file", shown(rel)));
      rel.clear();
    } else if (!seen.insert(rel).second) {
      skipped.add(fmt::format("{}: listed twice", shown(rel)));
      rel.clear();
    } else if (std::string w = in_the_way(below, top, {rel, dir}, opt.force); !w.empty()) {
      return *err = w, false;
    }
    out->push_back({rel, dir});
    if (archive_read_data_skip(a.get()) != ARCHIVE_OK) return *err = stream_error(a.get()), false;
  }
  if (rc != ARCHIVE_EOF) return *err = stream_error(a.get()), false;
  return true;
}

bool write_file(archive* a, archive_entry* e, int dir, const std::string& name,
                const std::string& dst, uint64_t* bytes, std::string* err) {
  std::string part = name + ".dust-part";
  int fd = openat(dir, part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return *err = fmt::format("{}.dust-part: {}", dst, std::strerror(errno)), false;
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
      if (w <= 0) ok = false, *err = fmt::format("{}.dust-part: {}", dst, std::strerror(errno));
      done += w > 0 ? static_cast<size_t>(w) : 0;
    }
    *bytes += size;
  }
  if (ok && rc != ARCHIVE_EOF) ok = false, *err = stream_error(a);
  off_t length = static_cast<off_t>(archive_entry_size(e));
  // rwx only: a node's setuid, setgid or sticky bit never lands here (as OpenSSH's sftp).
  if (ok && (ftruncate(fd, length) != 0 || fchmod(fd, archive_entry_perm(e) & 0777) != 0))
    ok = false, *err = fmt::format("{}.dust-part: {}", dst, std::strerror(errno));
  if (close(fd) != 0 && ok)
    ok = false, *err = fmt::format("{}.dust-part: {}", dst, std::strerror(errno));
  if (ok && renameat(dir, part.c_str(), dir, name.c_str()) != 0)
    ok = false, *err = fmt::format("{}: {}", dst, std::strerror(errno));
  if (!ok) unlinkat(dir, part.c_str(), 0);
  return ok;
}

bool open_top(const std::string& top, int* fd, std::string* err) {
  if (mkdir(top.c_str(), 0700) != 0 && errno != EEXIST)
    return *err = fmt::format("{}: {}", top, std::strerror(errno)), false;
  *fd = open(top.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return *err = errno == ENOTDIR ? fmt::format("{}: exists and is not a directory", top)
                                   : fmt::format("{}: {}", top, std::strerror(errno)),
           false;
  return true;
}

}  // namespace

bool extract_tree(int spool, const std::string& top, const TreeOptions& opt, TreeResult* result,
                  std::vector<std::string>* skipped_lines, std::string* err) {
  // The top is the person's destination: made (or found) by path, a link there being theirs.
  int top_fd = -1;
  if (!open_top(top, &top_fd, err)) return false;
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{top_fd};
  Below below(top_fd, top);
  std::vector<Entry> entries;
  {
    Skipped skipped(skipped_lines);
    if (!list(spool, below, top, opt, &entries, skipped, err)) return false;
  }
  Archive a = open_spool(spool, err);
  if (!a) return false;
  std::vector<std::pair<std::string, uint32_t>> dir_modes;
  archive_entry* e = nullptr;
  bool ok = true;
  for (const Entry& want : entries) {
    if (opt.cancelled && opt.cancelled()) {
      ok = false, *err = "interrupted";
      break;
    }
    int rc = archive_read_next_header(a.get(), &e);
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      ok = false, *err = stream_error(a.get());
      break;
    }
    if (want.rel.empty()) continue;
    auto [parent, name] = split(want.rel);
    std::string dst = join(top, want.rel);
    if (want.dir) {
      // A stream that lists a directory's contents first still gets it made by dir() below.
      if (!(ok = below.dir(want.rel, true, err) >= 0)) break;
      dir_modes.emplace_back(want.rel, archive_entry_perm(e) & 0777);
      ++result->dirs;
      continue;
    }
    int dir = below.dir(parent, true, err);
    if (!(ok = dir >= 0)) break;
    if (!(ok = write_file(a.get(), e, dir, name, dst, &result->bytes, err))) break;
    ++result->files;
  }
  // Deepest first, with the owner's rwx kept, as a get -r walked over SFTP did: a second get -f
  // into them works.
  for (auto it = dir_modes.rbegin(); it != dir_modes.rend(); ++it) {
    std::string ignored;
    int fd = below.dir(it->first, false, &ignored);
    if (fd >= 0) fchmod(fd, it->second | 0700);
  }
  if (opt.top_mode) fchmod(top_fd, (opt.top_mode & 0777) | 0700);
  return ok;
}

}  // namespace dust::transfer
