// DetachedOutput (detached_output.h).
#include "server/detached_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace dust::server {

void DetachedOutput::add(const std::string& key, std::string_view text) {
  if (shown_) {
    nodes_.clear();
    shown_ = false;
  }
  Node& n = nodes_[key];
  n.chunks.push_back({seq_++, std::string(text)});
  n.bytes += text.size();
  while (n.bytes > limit_ && !n.chunks.empty()) {
    n.bytes -= n.chunks.front().text.size();
    n.dropped += n.chunks.front().text.size();
    n.chunks.pop_front();
  }
}

size_t DetachedOutput::bytes() const {
  size_t total = 0;
  for (const auto& [k, n] : nodes_) total += n.bytes;
  return total;
}

std::string DetachedOutput::text(const std::set<std::string>& keys) const {
  std::string out;
  std::vector<const Chunk*> all;
  for (const auto& [key, n] : nodes_) {
    if (!keys.empty() && keys.count(key) == 0) continue;
    if (n.dropped > 0)
      out += fmt::format("({} bytes of {} dropped: more than {} KiB while detached)\n", n.dropped,
                         key.empty() ? std::string("notices") : key, limit_ / 1024);
    for (const Chunk& c : n.chunks) all.push_back(&c);
  }
  std::sort(all.begin(), all.end(), [](const Chunk* a, const Chunk* b) { return a->seq < b->seq; });
  for (const Chunk* c : all) out += c->text;
  return out;
}

}  // namespace dust::server
