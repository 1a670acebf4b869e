// Fuzzes the node cache file (shell/node_cache): any text is read or refused with dust::Error, and
// what was read is written back and read again unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "shell/node_cache.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  dust::Nodes nodes;
  try {
    nodes = dust::shell::parse_node_cache(text);
  } catch (const dust::Error&) {
    return 0;
  }
  dust::Nodes again = dust::shell::parse_node_cache(dust::shell::node_cache_json(nodes));
  bool same = again.size() == nodes.size();
  for (size_t i = 0; same && i < nodes.size(); ++i)
    same = again[i].name == nodes[i].name && again[i].id == nodes[i].id &&
           again[i].public_ip == nodes[i].public_ip && again[i].tags == nodes[i].tags &&
           again[i].groups == nodes[i].groups;
  if (!same) __builtin_trap();  // a rewrite changed the cache
  return 0;
}
