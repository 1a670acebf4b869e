// The local side of get -r and globs: a node's tar stream (tree_fetch.h), spooled whole, extracted
// by dust itself with libarchive. The node chooses every byte of it (PRODUCT.md §10), so: every
// name is checked (remote_name.h) before it becomes a local path; nothing but directories and
// regular files is written (no link, no device); below the destination no symlink is ever followed
// (each directory is opened with O_NOFOLLOW from the one above, so a link planted in a folder other
// local users can write cannot redirect a file); modes keep only the rwx bits (no setuid, setgid or
// sticky bit from a node), as OpenSSH's sftp; every file goes to "<name>.dust-part" (made
// exclusively) and is renamed into place.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dust::transfer {

// OpenSSH sftp's MAX_DIR_DEPTH: the top directory is level 0.
constexpr int kMaxTreeDepth = 64;
// A longer name is refused whole (PATH_MAX): what a node lists never grows memory or a message
// without bound.
constexpr size_t kMaxTreeName = 4096;
// Left-out entries kept by name; the rest are counted.
constexpr size_t kMaxSkippedNamed = 100;

struct TreeOptions {
  uint32_t top_mode = 0;  // given to `top` at the end (rwx bits); 0: leave its mode alone
  bool force = false;     // replace existing local files
  int max_depth = kMaxTreeDepth;
  std::string suffix;  // appended to each name's first component (get -s: "a.log" → "a.log.web")
  std::function<bool()> cancelled;  // polled per entry: true stops with "interrupted"
};

struct TreeResult {
  size_t files = 0;  // regular files written
  size_t dirs = 0;   // directories made (or found)
  uint64_t bytes = 0;
};

// Extracts the tar in `spool` (an fd of the complete stream, read from offset 0) below the local
// directory `top` (made when missing; the caller's path, so a link there is the person's own).
// First it reads every header: a name that is not "./" followed by safe components, a directory
// opt.max_depth levels deep or deeper or what is below one, a type other than a directory or a
// regular file, or a name listed twice is left out with a line in `skipped`; and anything in the
// way fails the whole tree before anything is written: a file that exists locally (unless
// opt.force), a local directory where a file goes or a non-directory where a directory goes, a
// symlink below `top`, a leftover "<name>.dust-part". Then it writes: directories made as they
// come (mode 700 while filling, their own rwx bits plus the owner's at the end), each file into
// "<name>.dust-part" then renamed. false + *err: nothing more is written (files already renamed
// stay).
bool extract_tree(int spool, const std::string& top, const TreeOptions& opt, TreeResult* result,
                  std::vector<std::string>* skipped, std::string* err);

}  // namespace dust::transfer
