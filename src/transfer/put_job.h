// put: what to upload (local globs, -r directories) and how one node receives it: into a temporary
// name in the destination directory, mode set, renamed into place when complete.
#pragma once
#include <string>
#include <vector>

#include "transfer/engine.h"

namespace dust::transfer {

struct LocalEntry {
  std::string path;  // local path
  std::string rel;   // path below the remote directory
  bool dir = false;
  uint64_t size = 0;
  uint32_t mode = 0644;
};

// Expands glob(3) patterns and, with `recursive`, directories (their own name kept, as cp -r does).
// Throws dust::Error for a missing path, a directory without -r, or a special file.
std::vector<LocalEntry> expand_local(const std::vector<std::string>& args, bool recursive);

class PutJob : public Job {
 public:
  PutJob(std::vector<LocalEntry> files, std::string remote_dir);
  const char* verb() const override { return "put"; }
  bool plan(NodeTask& n) override;
  bool begin_item(NodeTask& n) override;
  bool finish_item(NodeTask& n) override;
  void abort_item(NodeTask& n, bool connection_alive) override;
  std::string describe(const NodeTask& n) const override;

 private:
  std::vector<LocalEntry> files_;
  std::string remote_dir_;
  unsigned counter_ = 0;
};

}  // namespace dust::transfer
