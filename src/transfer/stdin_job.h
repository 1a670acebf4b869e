// A one-shot's stdin too large for its shell's input (shell/remote_stdin.h): each node gets it in
// a private temporary file (created exclusively, mode 600, named with a random tag in the node's
// $TMPDIR or /tmp) written over an exec channel as put writes a file, at the channel's speed and
// whatever the login shell (zsh reads a here-document a byte at a time). The command then reads
// that file (feed_stdin_file), which it removes as it starts. A node that will not run the command
// (interrupted, or it failed) gets its file removed (remove_command).
#pragma once
#include <map>
#include <string>

#include "transfer/engine.h"

namespace dust::transfer {

// The remote command: makes the temporary file `dust-stdin-TAG`, appends its stdin, checks that
// `size` bytes came, prints "dust-stdin-file PATH". On any failure it removes the file and says why
// on stderr.
std::string stdin_command(uint64_t size, const std::string& tag);
// Removes that file (whatever became of its writer).
std::string remove_command(const std::string& tag);

// The path the command printed (its stdout may hold more: an rc file's greeting), checked: one
// absolute path without control characters. "" when there is none.
std::string stdin_path(const std::string& printed);

class StdinJob : public Job {
 public:
  explicit StdinJob(const std::string& data);  // throws dust::Error when it cannot be staged
  ~StdinJob() override;
  StdinJob(const StdinJob&) = delete;
  StdinJob& operator=(const StdinJob&) = delete;

  const char* verb() const override { return "stdin"; }
  // The shell first: were the file there and the shell to fail (a startup file that exits), nothing
  // would run the command that removes it.
  bool needs_shell() const override { return true; }
  bool plan(NodeTask& n) override;
  bool begin_item(NodeTask& n) override;
  bool finish_item(NodeTask& n) override;
  void abort_item(NodeTask& n, bool connection_alive) override;
  std::string describe(const NodeTask& n) const override;

  // Where the node's copy is (Endpoint::key → path), once delivered.
  const std::map<std::string, std::string>& paths() const { return paths_; }
  // The file's tag of every node whose writer was started (Endpoint::key → tag): for
  // remove_command.
  const std::map<std::string, std::string>& tags() const { return tags_; }

 private:
  int fd_ = -1;  // the bytes, in memory (memfd), read by every node's stream at its own offset
  uint64_t size_ = 0;
  std::map<std::string, std::string> paths_, tags_;
};

// Runs one command on an exec channel of each node (Endpoint::key → command), no bytes in: the
// clean-up of StdinJob's files.
class CommandJob : public Job {
 public:
  explicit CommandJob(std::map<std::string, std::string> commands)
      : commands_(std::move(commands)) {}
  const char* verb() const override { return "clean-up"; }
  bool plan(NodeTask& n) override;
  bool begin_item(NodeTask& n) override;
  bool finish_item(NodeTask&) override { return true; }
  void abort_item(NodeTask& n, bool connection_alive) override;
  std::string describe(const NodeTask&) const override { return "clean-up"; }

 private:
  std::map<std::string, std::string> commands_;
};

}  // namespace dust::transfer
