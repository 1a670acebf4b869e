// A one-shot's stdin too large for its shell's input (shell/remote_stdin.h): each node gets it in
// a private temporary file (mktemp, mode 600) written over an exec channel as put writes a file, at
// the channel's speed and whatever the login shell (zsh reads a here-document a byte at a time).
// The command then reads that file (feed_stdin_file), which it removes as it starts.
#pragma once
#include <map>
#include <string>

#include "transfer/engine.h"

namespace dust::transfer {

// The remote command: makes the temporary file, appends its stdin, checks that `size` bytes came,
// prints the file's path. On any failure it removes the file and says why on stderr.
std::string stdin_command(uint64_t size);

// The path that command printed, checked (one absolute path of plain characters, as mktemp makes):
// "" when it is not one.
std::string stdin_path(const std::string& printed);

class StdinJob : public Job {
 public:
  explicit StdinJob(const std::string& data);  // throws dust::Error when it cannot be staged
  ~StdinJob() override;
  StdinJob(const StdinJob&) = delete;
  StdinJob& operator=(const StdinJob&) = delete;

  const char* verb() const override { return "stdin"; }
  bool plan(NodeTask& n) override;
  bool begin_item(NodeTask& n) override;
  bool finish_item(NodeTask& n) override;
  void abort_item(NodeTask& n, bool connection_alive) override;
  std::string describe(const NodeTask& n) const override;

  // Where the node's copy is (Endpoint::key → path), once delivered.
  const std::map<std::string, std::string>& paths() const { return paths_; }

 private:
  int fd_ = -1;  // the bytes, in memory (memfd), read by every node's stream at its own offset
  uint64_t size_ = 0;
  std::map<std::string, std::string> paths_;
};

}  // namespace dust::transfer
