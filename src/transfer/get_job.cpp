// GetJob (see get_job.h).
#include "transfer/get_job.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "transfer/format.h"
#include "transfer/remote_name.h"
#include "transfer/tree_extract.h"
#include "transfer/tree_fetch.h"
#include "util/interrupt.h"
#include "util/sanitise.h"

namespace dust::transfer {
namespace {

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  return a.back() == '/' ? a + b : a + "/" + b;
}

std::string base_name(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

bool mkdirs(const std::string& path, std::string* err) {
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (cur.empty()) continue;
    if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      return *err = fmt::format("{}: {}", cur, std::strerror(errno)), false;
  }
  return true;
}

bool exists(const std::string& p) {
  struct stat st {};
  return lstat(p.c_str(), &st) == 0;
}

// "logs/*.log" → {"logs", "*.log"}; "*.log" → {".", "*.log"}; "/x*" → {"/", "x*"}.
std::pair<std::string, std::string> split_glob(const std::string& remote) {
  std::string r = remote;
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  auto slash = r.rfind('/');
  if (slash == std::string::npos) return {".", r};
  return {slash == 0 ? "/" : r.substr(0, slash), r.substr(slash + 1)};
}

// What a node sends may be endless (a hostile node, `get -r node /`): the local file system keeps
// at least 1 GiB and 5% free, else the fetch stops.
bool room_left(int fd, uint64_t received, std::string* err) {
  struct statvfs v {};
  if (fstatvfs(fd, &v) != 0) return true;
  uint64_t free = static_cast<uint64_t>(v.f_bavail) * v.f_frsize;
  uint64_t keep =
      std::max<uint64_t>(1ull << 30, static_cast<uint64_t>(v.f_blocks) * v.f_frsize / 20);
  if (free >= keep) return true;
  *err = fmt::format("the local disk is nearly full ({} free) after {} from the node: stopped",
                     human_bytes(free), human_bytes(received));
  return false;
}

}  // namespace

bool GetJob::plan(NodeTask& n) {
  // What the path is (a file, a directory, missing, no match) the remote reader says; the local
  // folder is made when the first bytes come, so a failure leaves none behind.
  std::string node = node_dir_name(n.ep.node_label, n.ep.key);
  std::string base = suffix_ ? local_dir_ : join(local_dir_, node);
  n.summary = base;
  std::string name = base_name(remote_);
  std::string local = suffix_ ? join(base, name + "." + node) : join(base, name);
  Item it{remote_, local, 0, 0644, false};
  it.direct = true;
  if (has_glob(name)) {
    // The matches go into the node's folder (or beside each other, suffixed, with -s).
    it.tree = true;
    it.dst = base;
  } else if (recursive_) {
    // A tree merges into what is there (each file is checked once its name came); the copy of
    // "/" or "." is the node's folder itself, which -s (every node in one folder) cannot name.
    it.tree = true;
    if (!unsafe_name_reason(name).empty()) {
      if (suffix_)
        return n.error = fmt::format("{}: -s needs a remote path that ends in a name", remote_),
               false;
      it.dst = base;
    }
  } else if (!force_ && exists(local)) {
    return n.error = fmt::format("{} exists (use -f to overwrite)", local), false;
  }
  n.items.push_back(std::move(it));
  return true;
}

bool GetJob::begin_item(NodeTask& n) {
  const Item& it = n.items[n.next];
  // No SFTP (its calls each block the loop for a round trip, so every node would wait for every
  // node's), and a receive window grown with the round trip. The local folder and file are made
  // once the node said the path is a readable file; a tree's stream goes to a spool file in the
  // node's folder, extracted once it is whole (finish_tree).
  auto open_local = [&n, dst = it.dst](std::string* err) {
    if (!mkdirs(n.summary, err)) return -1;
    if (n.fetch && n.fetch->is_dir()) {
      // The spool has no name: nothing of it is left however dust ends (SIGKILL included), and no
      // name in the tree can meet it.
      n.fd = open(n.summary.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
      if (n.fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
        // A file system without O_TMPFILE: a hidden name, gone as soon as it is open.
        std::string name = join(n.summary, ".dust-spool-XXXXXX");
        n.fd = mkostemp(name.data(), O_CLOEXEC);
        if (n.fd >= 0) unlink(name.c_str());
      }
      if (n.fd < 0)
        *err = fmt::format("{}: cannot make a spool: {}", n.summary, std::strerror(errno));
      return n.fd;
    }
    n.tmp = dst + ".dust-part";
    n.fd = open(n.tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (n.fd < 0) *err = fmt::format("{}: {}", n.tmp, std::strerror(errno)), n.tmp.clear();
    return n.fd;
  };
  std::string command;
  if (!it.tree) {
    command = fetch_command(it.src);
  } else if (has_glob(base_name(it.src))) {
    auto [dir, pattern] = split_glob(it.src);
    command = glob_command(dir, pattern, recursive_);
  } else {
    command = tree_command(it.src);
  }
  n.fetch = std::make_unique<Fetch>(n.link->session(), it.src, command, open_local, n.peers);
  n.fetch->set_check(
      [&n](uint64_t received, std::string* err) { return room_left(n.fd, received, err); });
  return true;
}

bool GetJob::finish_tree(NodeTask& n) {
  Item& it = n.items[n.next];
  bool glob = has_glob(base_name(it.src));
  TreeOptions opt;
  // The node's folder (a glob's matches, the copy of "/" or ".") keeps its own mode.
  opt.top_mode = glob || it.dst == n.summary ? 0 : n.fetch->mode();
  opt.force = force_;
  if (glob && suffix_) opt.suffix = "." + node_dir_name(n.ep.node_label, n.ep.key);
  opt.cancelled = [] { return interrupt::pending(); };
  TreeResult res;
  std::string err;
  bool ok = extract_tree(n.fd, it.dst, opt, &res, &n.skipped, &err);
  close(n.fd), n.fd = -1;
  it.tree_files = res.files;
  it.size = res.bytes;  // the files' bytes, not the stream's
  if (!ok) {
    // A node that could not make the stream (no GNU tar) says why on stderr: that is the news.
    std::string remote = util::escape_controls(n.fetch->errors());
    if (n.fetch->exit_status() != 0 && !remote.empty() && !res.files && !res.dirs)
      err = fmt::format("{}: {}", quote_name(it.src), remote.substr(0, 500));
    return n.error = err, false;
  }
  // What find or tar could not read (an unreadable directory, a symlink loop, a dangling link, a
  // directory matched without -r): the rest came; the node fails naming these, first: they are
  // the likelier news than a name refused.
  if (int st = n.fetch->exit_status(); st != 0) {
    std::vector<std::string> remote;
    std::string line;
    for (char c : n.fetch->errors() + "\n") {
      if (c != '\n') {
        line += c;
        continue;
      }
      if (!line.empty() && line.rfind("tar: Exiting with failure status", 0) != 0)
        remote.push_back(util::escape_controls(line));
      line.clear();
    }
    if (remote.empty())
      remote.push_back(
          fmt::format("{}: the remote reader failed (exit status {})", quote_name(it.src), st));
    n.skipped.insert(n.skipped.begin(), remote.begin(), remote.end());
  }
  return true;
}

bool GetJob::finish_item(NodeTask& n) {
  const Item& it = n.items[n.next];
  if (it.tree && n.fetch->is_dir()) return finish_tree(n);
  if (it.tree) n.items[n.next].tree_files = 1;  // get -r of a file: that file
  uint64_t size = n.fetch->received();
  uint32_t mode = n.items[n.next].mode = n.fetch->mode();
  // rwx only: a node's setuid, setgid or sticky bit never lands here (as OpenSSH's sftp).
  bool ok = ftruncate(n.fd, static_cast<off_t>(size)) == 0 && fchmod(n.fd, mode & 0777) == 0;
  if (close(n.fd) != 0) ok = false;
  n.fd = -1;
  if (!ok) return n.error = fmt::format("{}: {}", n.tmp, std::strerror(errno)), false;
  if (!force_ && exists(it.dst))
    return n.error = fmt::format("{} exists (use -f to overwrite)", it.dst), false;
  if (rename(n.tmp.c_str(), it.dst.c_str()) != 0)
    return n.error = fmt::format("{}: {}", it.dst, std::strerror(errno)), false;
  n.tmp.clear();
  return true;
}

void GetJob::abort_item(NodeTask& n, bool connection_alive) {
  if (n.fetch) {
    if (connection_alive)
      n.fetch->cancel();
    else
      n.fetch->abandon();
    n.fetch.reset();
  }
  if (n.fd >= 0) close(n.fd), n.fd = -1;
  if (!n.tmp.empty()) unlink(n.tmp.c_str()), n.tmp.clear();
}

std::string GetJob::describe(const NodeTask& n) const {
  size_t files = 0;
  for (const auto& it : n.items) files += it.file_count();
  if (n.items.size() == 1 && !n.items[0].tree)
    return fmt::format("{} → {}", n.items[0].src, n.items[0].dst);
  return fmt::format("{} file{} → {}", files, files == 1 ? "" : "s", n.summary);
}

}  // namespace dust::transfer
