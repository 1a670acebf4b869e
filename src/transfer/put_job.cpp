// PutJob and local expansion (see put_job.h).
#include "transfer/put_job.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "transfer/batch.h"
#include "transfer/remote_name.h"
#include "transfer/stream.h"
#include "util/error.h"

namespace dust::transfer {
namespace {

std::string base_name(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string parent_of(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? "." : s == 0 ? "/" : p.substr(0, s);
}

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  return a.back() == '/' ? a + b : a + "/" + b;
}

void walk(const std::string& path, const std::string& rel, std::vector<LocalEntry>* out) {
  DIR* d = opendir(path.c_str());
  if (!d) throw Error(fmt::format("{}: {}", path, std::strerror(errno)));
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) names.push_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string p = join(path, name), r = rel + "/" + name;
    struct stat st {};
    if (stat(p.c_str(), &st) != 0) throw Error(fmt::format("{}: {}", p, std::strerror(errno)));
    if (S_ISDIR(st.st_mode)) {
      out->push_back({p, r, true, 0, static_cast<uint32_t>(st.st_mode & 07777)});
      walk(p, r, out);
    } else if (S_ISREG(st.st_mode)) {
      out->push_back({p, r, false, static_cast<uint64_t>(st.st_size),
                      static_cast<uint32_t>(st.st_mode & 07777)});
    }  // sockets, fifos, devices inside a tree are skipped
  }
}

}  // namespace

std::vector<LocalEntry> expand_local(const std::vector<std::string>& args, bool recursive) {
  std::vector<LocalEntry> out;
  for (const auto& a : args) {
    glob_t g{};
    int rc = glob(a.c_str(), GLOB_TILDE, nullptr, &g);
    std::vector<std::string> paths;
    if (rc == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) paths.push_back(g.gl_pathv[i]);
    globfree(&g);
    if (paths.empty()) throw Error(fmt::format("{}: no such file or directory", a));
    for (const auto& p : paths) {
      struct stat st {};
      if (stat(p.c_str(), &st) != 0) throw Error(fmt::format("{}: {}", p, std::strerror(errno)));
      if (S_ISDIR(st.st_mode)) {
        if (!recursive) throw Error(fmt::format("{} is a directory (use -r)", p));
        std::string rel = base_name(p);
        out.push_back({p, rel, true, 0, static_cast<uint32_t>(st.st_mode & 07777)});
        walk(p, rel, &out);
      } else if (S_ISREG(st.st_mode)) {
        out.push_back({p, base_name(p), false, static_cast<uint64_t>(st.st_size),
                       static_cast<uint32_t>(st.st_mode & 07777)});
      } else {
        throw Error(fmt::format("{}: not a regular file or directory", p));
      }
    }
  }
  return out;
}

PutJob::PutJob(std::vector<LocalEntry> files, std::string remote_dir)
    : files_(std::move(files)), remote_dir_(std::move(remote_dir)) {}

bool PutJob::plan(NodeTask& n) {
  // Every remote command finds or checks its target itself: nothing to ask beforehand, no SFTP
  // (its calls each block the loop for a round trip, so every node would wait for every node's).
  std::string dir = login_relative(remote_dir_);
  n.summary = dir.empty() ? "~" : dir;
  bool tree = false;
  for (const auto& f : files_) tree = tree || f.dir;
  if (!tree) {
    // Files only: each is one remote command (put_command), which may also rename one file as cp.
    for (const auto& f : files_) {
      Item it{f.path, dir.empty() ? f.rel : join(dir, f.rel), f.size, f.mode, false};
      it.direct = true;
      it.direct_dir = dir;
      n.items.push_back(std::move(it));
    }
    return true;
  }
  // A tree (-r): the destination must be a directory; the first command of each top-level entry
  // checks it (dir_command, put_command), so the top-level directories are never folded into a
  // batch below.
  for (const auto& f : files_) {
    std::string dst = join(dir, f.rel);
    bool top_level = f.rel.find('/') == std::string::npos;
    // Consecutive small files of one directory join a batch (one tar stream, batch.h).
    if (!f.dir && f.size < kStreamMin && !top_level) {
      std::string parent = parent_of(dst), name = base_name(dst);
      Item* last = n.items.empty() ? nullptr : &n.items.back();
      bool joins = last && !last->dir &&
                   (last->batch.empty() ? last->size < kStreamMin && parent_of(last->dst) == parent
                                        : last->dst == parent);
      if (joins && last->batch.empty()) {
        // The previous plain small file becomes the batch's first member.
        Item b{"", parent, last->size, 0700, false, {}};
        b.batch.push_back({last->src, base_name(last->dst), last->size, last->mode});
        *last = std::move(b);
        // The directory's own item just before it: the batch's remote command makes it instead.
        bool top_dir = parent_of(parent) == (dir.empty() ? "." : dir);
        if (!top_dir && n.items.size() >= 2 && n.items[n.items.size() - 2].dir &&
            n.items[n.items.size() - 2].dst == parent) {
          last->dir_mode = n.items[n.items.size() - 2].mode;
          n.items.erase(n.items.end() - 2);
          last = &n.items.back();
        }
      }
      if (joins && last->batch.size() < kBatchFiles && last->size + f.size <= kBatchBytes) {
        last->batch.push_back({f.path, name, f.size, f.mode});
        last->size += f.size;
        continue;
      }
    }
    Item it{f.path, dst, f.size, f.mode, f.dir};
    if (!f.dir) {
      // One remote command creates, fills, checks, chmods and renames it.
      it.direct = true;
      it.direct_dir = parent_of(dst);
    }
    n.items.push_back(std::move(it));
  }
  return true;
}

bool PutJob::begin_item(NodeTask& n) {
  const Item& it = n.items[n.next];
  std::string root = login_relative(remote_dir_);
  if (it.dir) {
    // No bytes: the command makes the directory and sets its mode.
    n.stream =
        std::make_unique<Stream>(n.link->session(), -1, 0, dir_command(root, it.dst, it.mode));
    return true;
  }
  if (!it.batch.empty()) {
    uint64_t size = 0;
    std::string err;
    n.fd = make_batch_tar(it.batch, &size, &err);
    if (n.fd < 0) return n.error = err, false;
    std::string stage = fmt::format("{}/.dust-stage-{}-{}", it.dst, getpid(), ++counter_);
    n.stream = std::make_unique<Stream>(n.link->session(), n.fd, size,
                                        batch_command(it.dst, stage, it.batch, it.dir_mode));
    return true;  // the remote command creates and removes its staging directory itself
  }
  n.fd = open(it.src.c_str(), O_RDONLY | O_CLOEXEC);
  if (n.fd < 0) return n.error = fmt::format("{}: {}", it.src, std::strerror(errno)), false;
  // The remote command creates its temporary file and removes it on any failure (put_command).
  n.stream = std::make_unique<Stream>(
      n.link->session(), n.fd, it.size,
      put_command(it.direct_dir, base_name(it.dst), it.size, it.mode, files_.size() == 1,
                  fmt::format("{}-{}", getpid(), ++counter_)));
  return true;
}

bool PutJob::finish_item(NodeTask& n) {
  const Item& it = n.items[n.next];
  if (n.fd >= 0) close(n.fd), n.fd = -1;
  if (it.dir || !it.batch.empty()) return true;  // the remote command did it all
  // It printed the target it chose (the one file's new name, the login directory's path).
  std::string out = n.stream ? n.stream->output() : "";
  if (!out.empty() && out.back() == '\n') out.pop_back();
  if (!out.empty() && out.find('\n') == std::string::npos) {
    // The login directory, for the result line: from a file put at the top of it (a file deeper in
    // a tree names its own directory, relative to it).
    bool top = it.dst.find('/') == std::string::npos;
    if (n.items.size() == 1 || (n.summary == "~" && top)) n.summary = parent_of(out);
    n.items[n.next].dst = out;
  }
  return true;
}

void PutJob::abort_item(NodeTask& n, bool connection_alive) {
  if (n.fd >= 0) close(n.fd), n.fd = -1;
  // The remote writer removes a short file (or its staging directory) itself; waiting for it
  // means nothing of ours is left being written once this returns.
  end_stream(n, connection_alive, 3000);
}

std::string PutJob::describe(const NodeTask& n) const {
  size_t files = 0;
  for (const auto& it : n.items) files += it.file_count();
  if (n.items.size() == 1) return fmt::format("{} → {}", n.items[0].src, n.items[0].dst);
  return fmt::format("{} file{} → {}", files, files == 1 ? "" : "s", n.summary);
}

}  // namespace dust::transfer
