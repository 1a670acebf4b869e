// get -r of a remote directory as one tar stream on one exec channel (no SFTP at all): the node's
// `find -L` walks the tree (following symlinks, skipping loops) and its `tar`
// sends what it lists; dust spools the stream into a local file (Fetch: flow-controlled, the
// receive window grown with the round trip) and, once the whole stream came, extracts it itself
// with libarchive: every name is checked (remote_name.h) before it becomes a local path, nothing
// but directories and regular files is written, and every file goes to a `.dust-part` name renamed
// into place. Replaces a blocking SFTP walk and 3 blocking round trips per file, which served the
// nodes one after another (2,000 small files × 10 nodes at RTT 50 took more than 10 minutes).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dust::transfer {

// The remote side for `path`. A directory: "<ls mode> 0\n" (the mode of the directory itself, ls
// -l's "drwxr-xr-x"), then a tar of what is below it, names starting "./"; exits non-zero when
// find or tar could not read something (their messages on stderr: "Permission denied", "File
// system loop detected") after sending the rest. Anything else: exactly as fetch_command (a file
// comes alone; errors say "no such file or directory", "permission denied").
// Needs GNU find and GNU tar on the node (every EC2 Linux image has them).
std::string tree_command(const std::string& path);

// The remote side of a glob: the matches of `pattern` (one path component with glob characters,
// expanded by the node's sh) in the directory `dir`, as a tar whose names are "./<match>…"; a
// directory among them is walked with `recursive` (find -L), else named on stderr and left out.
// Header "d--------- 0". Errors: "no such directory", "permission denied", "no match".
std::string glob_command(const std::string& dir, const std::string& pattern, bool recursive);

// OpenSSH sftp's MAX_DIR_DEPTH: the top directory is level 0.
constexpr int kMaxTreeDepth = 64;

struct TreeOptions {
  uint32_t top_mode = 0;  // given to `top` at the end; 0: leave its mode alone (the node's folder)
  bool force = false;     // replace existing local files
  int max_depth = kMaxTreeDepth;
  std::string suffix;  // appended to each name's first component (get -s: "a.log" → "a.log.web")
};

struct TreeResult {
  size_t files = 0;  // regular files written
  size_t dirs = 0;   // directories made (or found)
  uint64_t bytes = 0;
};

// Extracts the tar in `spool` (an fd of the complete stream, read from offset 0) below the local
// directory `top` (made, mode 0700 while filling; opt.top_mode at the end). First it reads every
// header: a name that is not "./" followed by safe components (remote_name.h), a directory
// opt.max_depth levels deep or deeper or a file below one, a type other than a directory or a
// regular file, or listed twice is left out with a line in `skipped`; without opt.force, a file
// that exists locally fails the whole tree before anything is written (as a plain get). Then it
// writes: directories made as they come (a local non-directory in the way fails), each file into
// "<dst>.dust-part" then renamed, modes set, directories' own modes last (with the owner's rwx, as
// before). false + *err: nothing more is written (files already renamed stay).
bool extract_tree(int spool, const std::string& top, const TreeOptions& opt, TreeResult* result,
                  std::vector<std::string>* skipped, std::string* err);

}  // namespace dust::transfer
