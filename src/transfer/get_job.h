// get: what to download from each node (a path, a glob on its last component, -r directories) into
// <local dir>/<node>/… (or, with the suffix layout, <local dir>/<name>.<node>), never replacing an
// existing local file without -f (written to a .part name, renamed when complete). <node> is the
// node's label when it is a safe file name, else its instance id (remote_name.h); a name the server
// lists is checked before it becomes a local path (remote_walk.h).
#pragma once
#include <map>
#include <memory>
#include <string>

#include "transfer/engine.h"
#include "transfer/remote_walk.h"

namespace dust::transfer {

class GetJob : public Job {
 public:
  GetJob(std::string remote, std::string local_dir, bool recursive, bool force, bool suffix = false)
      : remote_(std::move(remote)),
        local_dir_(std::move(local_dir)),
        recursive_(recursive),
        force_(force),
        suffix_(suffix) {}
  const char* verb() const override { return "get"; }
  // A path without a glob comes on an exec channel, no SFTP at all: a file as it is (fetch.h), a
  // tree (-r) as one tar stream (tree_fetch.h). A glob is listed over SFTP.
  bool needs_sftp() const override;
  bool plan(NodeTask& n) override;
  bool begin_item(NodeTask& n) override;
  bool finish_item(NodeTask& n) override;
  void abort_item(NodeTask& n, bool connection_alive) override;
  std::string describe(const NodeTask& n) const override;
  void release(NodeTask& n, bool connection_alive) override;

 private:
  bool start(NodeTask& n, RemoteWalk& walk);
  bool finish_plan(NodeTask& n);
  bool plan_direct(NodeTask& n);
  bool finish_tree(NodeTask& n);
  unsigned counter_ = 0;
  std::map<const NodeTask*, std::unique_ptr<RemoteWalk>> walks_;  // the nodes still planning
  std::string remote_;
  std::string local_dir_;
  bool recursive_, force_, suffix_;
};

}  // namespace dust::transfer
