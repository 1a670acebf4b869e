// get: what to download from each node (a path, a glob on its last component, -r directories) into
// <local dir>/<node>/… (or, with the suffix layout, <local dir>/<name>.<node>), never replacing an
// existing local file without -f (written to a .part name, renamed when complete). <node> is the
// node's label when it is a safe file name, else its instance id (remote_name.h). No SFTP: a file
// comes on an exec channel (fetch.h); a tree (-r) or a glob's matches come as one tar stream whose
// names are checked before they become local paths (tree_fetch.h).
#pragma once
#include <string>

#include "transfer/engine.h"
#include "transfer/remote_name.h"

namespace dust::transfer {

class GetJob : public Job {
 public:
  GetJob(std::string remote, std::string local_dir, bool recursive, bool force, bool suffix = false)
      : remote_(login_relative(remote).empty() ? "." : login_relative(remote)),
        local_dir_(std::move(local_dir)),
        recursive_(recursive),
        force_(force),
        suffix_(suffix) {}
  const char* verb() const override { return "get"; }
  bool plan(NodeTask& n) override;
  bool begin_item(NodeTask& n) override;
  bool finish_item(NodeTask& n) override;
  void abort_item(NodeTask& n, bool connection_alive) override;
  std::string describe(const NodeTask& n) const override;

 private:
  bool finish_tree(NodeTask& n);
  std::string remote_;
  std::string local_dir_;
  bool recursive_, force_, suffix_;
};

}  // namespace dust::transfer
