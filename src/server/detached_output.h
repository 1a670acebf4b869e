// What nodes printed while no client was attached: kept per node (bounded, oldest dropped and
// counted), shown on the next attach and by `replay [target]`. Notices and summaries are kept
// under the key "".
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace dust::server {

class DetachedOutput {
 public:
  explicit DetachedOutput(size_t per_node_limit = 1u << 20) : limit_(per_node_limit) {}
  void add(const std::string& key, std::string_view text);
  // Everything kept for `keys` (all when empty), in the order it was printed, with a line per
  // node that lost some: "[dropped N bytes of worker0's output]" style notes come first.
  std::string text(const std::set<std::string>& keys) const;
  bool empty() const { return nodes_.empty(); }
  // Once shown at an attach, what is kept stays for `replay` until new output comes in while
  // detached again: then the old is dropped first.
  void mark_shown() { shown_ = true; }
  size_t bytes() const;

 private:
  struct Chunk {
    uint64_t seq;
    std::string text;
  };
  struct Node {
    std::deque<Chunk> chunks;
    size_t bytes = 0;
    size_t dropped = 0;
  };
  size_t limit_;
  uint64_t seq_ = 0;
  bool shown_ = false;
  std::map<std::string, Node> nodes_;
};

}  // namespace dust::server
