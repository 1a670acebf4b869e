// Cluster file × region inventory → the cluster's nodes.
#include "cluster/resolve.h"

#include <fmt/format.h>

#include <map>

#include "select/target.h"
#include "util/error.h"
#include "util/paths.h"

namespace dust::cluster {

namespace {

// Node settings win over the cluster's; ~ is expanded here so every consumer gets a usable path.
void apply_ssh(const ClusterFile& c, const FileNode& fn, Node* n) {
  const SshSettings& s = fn.ssh;
  const SshSettings& d = c.defaults;
  n->name = fn.nodename;
  n->cluster = c.name;
  n->username = !s.username.empty() ? s.username : d.username;
  std::string key = !s.keyfile.empty() ? s.keyfile : d.keyfile;
  n->keyfile = key.empty() ? "" : paths::expand_user(key);
  n->address = !s.address.empty() ? s.address : d.address;
  n->proxy_jump = !s.proxy_jump.empty() ? s.proxy_jump : d.proxy_jump;
  n->port = s.port != 0 ? s.port : d.port;
}

std::string where(const ClusterFile& c, const FileNode& fn) {
  std::string file = c.path.empty() ? c.name : c.path;
  return fn.line > 0 ? fmt::format("{}:{}", file, fn.line) : file;
}

}  // namespace

Resolution resolve(const ClusterFile& c, const Nodes& region_nodes) {
  Resolution r;
  select::Target filter;
  std::string err;
  if (!select::parse(c.filter, &filter, &err))
    throw Error(fmt::format("{}: cluster.filter: {}", c.path.empty() ? c.name : c.path, err));
  std::vector<size_t> candidates = select::select(filter, region_nodes);

  // Restrict selection to the filter's instances; claimed[k] = file node that took candidate k.
  Nodes pool;
  for (size_t i : candidates) pool.push_back(region_nodes[i]);
  std::vector<const FileNode*> claimed(pool.size(), nullptr);
  std::map<std::string, int> seen_names;

  for (const auto& fn : c.nodes) {
    if (++seen_names[fn.nodename] == 2)
      r.warnings.push_back(fmt::format("{}: node name '{}' is used more than once in cluster {}",
                                       where(c, fn), fn.nodename, c.name));
    select::Target sel;
    std::vector<size_t> hits;
    if (!select::parse(fn.selector, &sel, &err)) {
      r.warnings.push_back(fmt::format("{}: selector of {}: {}", where(c, fn), fn.nodename, err));
    } else {
      for (size_t k : select::select(sel, pool)) {
        if (claimed[k]) {
          // One instance, two file nodes: the first keeps it, never both (it would run twice).
          r.warnings.push_back(
              fmt::format("{}: {} ({}) also matches the selector of {}; kept as {}", where(c, fn),
                          pool[k].id, fn.nodename, claimed[k]->nodename, claimed[k]->nodename));
          continue;
        }
        hits.push_back(k);
      }
    }
    if (hits.size() > 1) {
      std::string ids;
      for (size_t k : hits) ids += (ids.empty() ? "" : ", ") + pool[k].id;
      r.warnings.push_back(fmt::format("{}: selector '{}' of {} matches {} instances ({})",
                                       where(c, fn), fn.selector, fn.nodename, hits.size(), ids));
    }
    for (size_t k : hits) {
      claimed[k] = &fn;
      Node n = pool[k];
      apply_ssh(c, fn, &n);
      r.nodes.push_back(std::move(n));
    }
    if (hits.empty()) {
      Node n;
      n.state = "absent";
      apply_ssh(c, fn, &n);
      r.nodes.push_back(std::move(n));
    }
  }
  for (size_t k = 0; k < pool.size(); ++k)
    if (!claimed[k]) r.strays.push_back(pool[k]);
  return r;
}

}  // namespace dust::cluster
