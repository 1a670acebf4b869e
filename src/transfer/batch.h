// put of many small files in one directory: one tar stream (libarchive) on one exec channel, which
// the node's `tar` extracts into a hidden staging directory beside the targets; then one `mv -f`
// renames them into place (rename(2) per file: atomic, modes kept). Replaces 5 blocking SFTP round
// trips per file (open, write, close, chmod, rename), which served the nodes one after another.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dust::transfer {

// A batch holds at most this many files / content bytes (bounds the local archive and the remote
// command line).
constexpr size_t kBatchFiles = 500;
constexpr uint64_t kBatchBytes = 16u << 20;

struct BatchFile {
  std::string src;   // local path
  std::string name;  // file name in the remote directory (no '/')
  uint64_t size = 0;
  uint32_t mode = 0644;
};

// Writes a tar of `files` (names as given, then an empty end marker named kBatchEnd) into an
// anonymous memory file; returns its fd (the caller closes it) and size, or -1 + *err.
int make_batch_tar(const std::vector<BatchFile>& files, uint64_t* size, std::string* err);

// The remote side, run in `dir`'s parent context: creates `stage` (mode 700), extracts stdin into
// it, and only when the end marker arrived (the whole stream came) moves the files into `dir`; in
// every case removes `stage`, so a short stream (Ctrl-C, a lost connection) leaves nothing.
// With `dir_mode` (not 0) it also stands for `dir`'s own put: creates it when missing (700 while
// filling) and gives it that mode at the end, as an SFTP mkdir + chmod would, without their two
// blocking round trips per directory.
std::string batch_command(const std::string& dir, const std::string& stage,
                          const std::vector<BatchFile>& files, uint32_t dir_mode = 0);

// A directory of a tree put that no batch makes (it holds no small files of its own): checks that
// the destination `root` is a directory ("" is the login directory: no check; "<root>: no such
// directory", "<root>: not a directory"), makes `dir` when missing (mode 700), then gives it
// `mode`. One exec channel, as a batch: no SFTP round trip that would hold up the other nodes.
std::string dir_command(const std::string& root, const std::string& dir, uint32_t mode);

inline constexpr const char* kBatchEnd = ".dust-batch-end";

}  // namespace dust::transfer
