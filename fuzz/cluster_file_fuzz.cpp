// Fuzzes the cluster file reader (cluster/cluster_file): any text is read or refused with
// dust::Error, and what was read survives to_yaml → parse unchanged (`assign` and `use` rewrite
// these files).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cluster/cluster_file.h"
#include "util/error.h"

namespace {

bool same(const dust::cluster::SshSettings& a, const dust::cluster::SshSettings& b) {
  return a.username == b.username && a.keyfile == b.keyfile && a.address == b.address &&
         a.proxy_jump == b.proxy_jump && a.port == b.port;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  dust::cluster::ClusterFile c;
  try {
    c = dust::cluster::parse_cluster_file(text, "fuzz.yaml");
  } catch (const dust::Error&) {
    return 0;
  }
  std::string yaml = dust::cluster::to_yaml(c);
  dust::cluster::ClusterFile again = dust::cluster::parse_cluster_file(yaml, "rewritten.yaml");
  bool ok = again.provider == c.provider && again.region == c.region && again.name == c.name &&
            again.filter == c.filter && same(again.defaults, c.defaults) &&
            again.nodes.size() == c.nodes.size();
  for (size_t i = 0; ok && i < c.nodes.size(); ++i)
    ok = again.nodes[i].nodename == c.nodes[i].nodename &&
         again.nodes[i].selector == c.nodes[i].selector && same(again.nodes[i].ssh, c.nodes[i].ssh);
  if (!ok) __builtin_trap();  // a rewrite changed the cluster
  return 0;
}
