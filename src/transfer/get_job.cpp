// GetJob (see get_job.h).
#include "transfer/get_job.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "transfer/format.h"
#include "transfer/remote_name.h"
#include "transfer/tree_fetch.h"
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

using Attrs = std::unique_ptr<sftp_attributes_struct, void (*)(sftp_attributes)>;
Attrs attrs(sftp_attributes a) { return Attrs(a, sftp_attributes_free); }

}  // namespace

bool GetJob::start(NodeTask& n, RemoteWalk& walk) {
  sftp_session s = n.link->sftp();
  std::string node = node_dir_name(n.ep.node_label, n.ep.key);
  std::string base = suffix_ ? local_dir_ : join(local_dir_, node);
  n.summary = base;
  std::vector<std::pair<std::string, Attrs>> matches;
  std::string pattern = base_name(remote_);
  if (has_glob(pattern)) {
    auto slash = remote_.rfind('/');
    std::string dir = slash == std::string::npos ? "."
                      : slash == 0               ? "/"
                                                 : remote_.substr(0, slash);
    sftp_dir d = sftp_opendir(s, dir.c_str());
    if (!d) return n.error = fmt::format("{}: {}", dir, n.link->last_error()), false;
    std::vector<std::string> names;
    while (sftp_attributes a = sftp_readdir(s, d)) {
      std::string name = a->name ? a->name : "";
      sftp_attributes_free(a);
      // fnmatch without FNM_PATHNAME lets '*' match a '/': such a name is refused below.
      if (fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) == 0) names.push_back(name);
    }
    sftp_closedir(d);
    CheckedListing checked = check_listing(names);
    for (const auto& why : checked.refused)
      n.skipped.push_back(fmt::format("{}: refused the name {}", quote_name(dir), why));
    for (size_t i : checked.accepted) {
      std::string path = dir == "." ? names[i] : join(dir, names[i]);
      matches.emplace_back(path, attrs(sftp_stat(s, path.c_str())));
    }
    if (matches.empty() && n.skipped.empty())
      return n.error = fmt::format("{}: no match", remote_), false;
    std::sort(matches.begin(), matches.end(), [](auto& x, auto& y) { return x.first < y.first; });
  } else {
    Attrs a = attrs(sftp_stat(s, remote_.c_str()));
    if (!a) return n.error = fmt::format("{}: {}", remote_, n.link->last_error()), false;
    matches.emplace_back(remote_, std::move(a));
  }
  for (auto& [path, a] : matches) {
    if (!a) continue;  // vanished between listing and stat
    std::string local =
        suffix_ ? join(base, base_name(path) + "." + node) : join(base, base_name(path));
    if (a->type == SSH_FILEXFER_TYPE_DIRECTORY) {
      if (!recursive_) return n.error = fmt::format("{}: is a directory (use -r)", path), false;
      walk.add_root(path, local, a->permissions & 07777);
    } else if (a->type == SSH_FILEXFER_TYPE_REGULAR) {
      n.items.push_back({path, local, a->size, a->permissions & 07777, false});
    } else if (matches.size() == 1) {
      return n.error = fmt::format("{}: not a regular file", path), false;
    }
  }
  return true;
}

bool GetJob::finish_plan(NodeTask& n) {
  if (!force_)
    for (const auto& it : n.items)
      if (!it.dir && exists(it.dst))
        return n.error = fmt::format("{} exists (use -f to overwrite)", it.dst), false;
  return mkdirs(n.summary, &n.error);
}

bool GetJob::needs_sftp() const { return has_glob(base_name(remote_)); }

bool GetJob::plan_direct(NodeTask& n) {
  // What the path is (a file, a directory, missing) the remote reader says (fetch_command); the
  // local directory is made when the item begins, so a failure leaves none behind.
  std::string node = node_dir_name(n.ep.node_label, n.ep.key);
  std::string base = suffix_ ? local_dir_ : join(local_dir_, node);
  n.summary = base;
  std::string name = base_name(remote_);
  std::string local = suffix_ ? join(base, name + "." + node) : join(base, name);
  Item it{remote_, local, 0, 0644, false};
  it.direct = true;
  if (recursive_) {
    // A tree merges into what is there (each file is checked once its name came); the copy of
    // "/" or "." is the node's folder itself.
    it.tree = true;
    if (!unsafe_name_reason(name).empty()) it.dst = base;
    n.items.push_back(std::move(it));
    return true;
  }
  n.items.push_back(std::move(it));
  if (!force_ && exists(local))
    return n.error = fmt::format("{} exists (use -f to overwrite)", local), false;
  return true;
}

bool GetJob::plan(NodeTask& n) {
  using namespace std::chrono_literals;
  if (!needs_sftp()) return plan_direct(n);
  auto it = walks_.find(&n);
  if (it == walks_.end()) {
    auto walk = std::make_unique<RemoteWalk>(*n.link);
    if (!start(n, *walk)) return false;
    walks_[&n] = std::move(walk);
    n.plan_more = true;  // the walk starts on the next turn: a Ctrl-C meanwhile is seen
    return true;
  }
  // About 20 ms of walking per turn: the loop (and Ctrl-C) gets its turn at least that often.
  RemoteWalk::Step st = it->second->step(n.items, n.skipped, &n.error, 20ms);
  if (st == RemoteWalk::Step::More) return n.plan_more = true;
  walks_.erase(it);
  return st == RemoteWalk::Step::Done && finish_plan(n);
}

void GetJob::release(NodeTask& n, bool connection_alive) {
  auto it = walks_.find(&n);
  if (it == walks_.end()) return;
  it->second->close(connection_alive);
  walks_.erase(it);
}

bool GetJob::begin_item(NodeTask& n) {
  const Item& it = n.items[n.next];
  if (it.dir) return mkdirs(it.dst, &n.error);
  if (it.direct || it.size >= kStreamMin) {
    // No SFTP open/close (each a blocking round trip that every node would wait for), and a
    // receive window grown with the round trip. The local directory and file are made once the
    // node said the path is a readable file. A tree's stream goes to a spool file in the node's
    // folder, extracted once it is whole (finish_tree).
    auto open_local = [&n, dst = it.dst, tag = ++counter_](std::string* err) {
      if (!mkdirs(n.summary, err)) return -1;
      bool tree = n.fetch && n.fetch->is_dir();
      n.tmp = tree ? join(n.summary, fmt::format(".dust-tree-{}-{}", getpid(), tag))
                   : dst + ".dust-part";
      n.fd = open(n.tmp.c_str(),
                  O_RDWR | O_CREAT | (tree ? O_EXCL : O_TRUNC) | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (n.fd < 0) *err = fmt::format("{}: {}", n.tmp, std::strerror(errno)), n.tmp.clear();
      return n.fd;
    };
    n.fetch = it.tree ? std::make_unique<Fetch>(n.link->session(), it.src, tree_command(it.src),
                                                open_local, n.peers)
                      : std::make_unique<Fetch>(n.link->session(), it.src, open_local, n.peers);
    return true;
  }
  n.remote = sftp_open(n.link->sftp(), it.src.c_str(), O_RDONLY, 0);
  if (!n.remote) return n.error = fmt::format("{}: {}", it.src, n.link->last_error()), false;
  n.tmp = it.dst + ".dust-part";
  n.fd = open(n.tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (n.fd < 0) {
    n.error = fmt::format("{}: {}", n.tmp, std::strerror(errno));
    n.tmp.clear();
    return false;  // abort_item closes the remote handle
  }
  n.down = std::make_unique<Download>(*n.link, n.remote, it.size, n.fd);
  return true;
}

bool GetJob::finish_tree(NodeTask& n) {
  Item& it = n.items[n.next];
  TreeResult res;
  std::string err;
  bool ok = extract_tree(n.fd, it.dst, n.fetch->mode(), force_, RemoteWalk::kMaxDepth, &res,
                         &n.skipped, &err);
  close(n.fd), n.fd = -1;
  unlink(n.tmp.c_str()), n.tmp.clear();
  it.tree_files = res.files;
  if (!ok) return n.error = err, false;
  // What find or tar could not read (an unreadable directory, a symlink loop, a dangling link):
  // the rest came; the node fails naming these.
  // First: they are the likelier news (a directory not readable) than a name refused.
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
  if (it.tree && n.fetch && n.fetch->is_dir()) return finish_tree(n);
  if (it.dir) {
    chmod(it.dst.c_str(), it.mode | 0700);  // we may still need to write into it
    return true;
  }
  uint64_t size = 0;
  uint32_t mode = it.mode;
  if (n.fetch) {
    size = n.fetch->received();
    mode = n.items[n.next].mode = n.fetch->mode();
  } else {
    size = n.down->size();
    sftp_close(n.remote);
    n.remote = nullptr;
  }
  bool ok = ftruncate(n.fd, static_cast<off_t>(size)) == 0 && fchmod(n.fd, mode) == 0;
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
  n.down.reset();
  if (n.fetch) {
    if (connection_alive)
      n.fetch->cancel();
    else
      n.fetch->abandon();
    n.fetch.reset();
  }
  if (n.fd >= 0) close(n.fd), n.fd = -1;
  if (!n.tmp.empty()) unlink(n.tmp.c_str()), n.tmp.clear();
  if (connection_alive && n.remote)
    sftp_close(n.remote);
  else
    forget_remote(n.remote);  // libssh keeps an open file's memory until sftp_close
  n.remote = nullptr;
}

std::string GetJob::describe(const NodeTask& n) const {
  size_t files = 0;
  for (const auto& it : n.items) files += it.file_count();
  if (n.items.size() == 1 && !n.items[0].tree)
    return fmt::format("{} → {}", n.items[0].src, n.items[0].dst);
  return fmt::format("{} file{} → {}", files, files == 1 ? "" : "s", n.summary);
}

}  // namespace dust::transfer
