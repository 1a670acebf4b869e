// get -r's walk of remote directories: iterative (an explicit stack, no recursion on the remote
// depth), a few SFTP round trips per step() so that the event loop runs between steps (Ctrl-C, the
// other nodes, the server's clients), at most 64 levels deep as OpenSSH's sftp, a symlink that
// leads back to a directory being walked (a loop) not followed, and every listed name checked
// (remote_name.h) before it becomes a local path.
#pragma once
#include <libssh/sftp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "transfer/engine.h"

namespace dust::transfer {

class RemoteWalk {
 public:
  static constexpr int kMaxDepth =
      64;  // OpenSSH sftp's MAX_DIR_DEPTH: the top directory is level 0

  explicit RemoteWalk(Link& link) : link_(link) {}
  ~RemoteWalk();
  RemoteWalk(const RemoteWalk&) = delete;
  RemoteWalk& operator=(const RemoteWalk&) = delete;

  // A directory to copy, `remote` into `local` (walked in the order added). One REALPATH round
  // trip.
  void add_root(const std::string& remote, const std::string& local, uint32_t mode);

  enum class Step { More, Done, Failed };
  // Walks for about `budget`, appending to `items` (a directory before what it holds). An entry
  // that is not copied (a refused name, a loop, too deep) adds a line to `skipped` and the walk
  // goes on; a directory that cannot be listed is Failed + *err.
  Step step(std::vector<Item>& items, std::vector<std::string>& skipped, std::string* err,
            std::chrono::milliseconds budget);

  // The node is done (or failed): an open listing is closed, or only forgotten when the connection
  // is gone (closing would write to it).
  void close(bool connection_alive);

 private:
  struct Dir {
    std::string remote, local, real;  // real: the server's resolved path (symlinks followed)
    uint32_t mode;
    int depth;
    std::shared_ptr<const Dir> parent;
  };
  struct Entry {
    std::string name;
    std::unique_ptr<sftp_attributes_struct, void (*)(sftp_attributes)> attrs;
  };
  void enter(std::vector<Item>& items, std::string* err);
  void visit(Entry& e, std::vector<Item>& items, std::vector<std::string>& skipped);
  std::string real_path(const std::string& remote);

  Link& link_;
  std::vector<std::shared_ptr<const Dir>> todo_;  // a stack: the next directory is at the back
  std::shared_ptr<const Dir> cur_;                // the directory being listed or visited
  sftp_dir dir_ = nullptr;                        // its open listing
  std::vector<Entry> entries_;
  size_t next_ = 0;  // entries_[next_] is visited next (once the listing is complete)
  bool listed_ = false;
  std::vector<std::shared_ptr<const Dir>> subdirs_;  // of cur_, pushed on todo_ when it is done
};

}  // namespace dust::transfer
