// Naming the nodes of a new cluster file for `assign`.
#include "cluster/assign.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace dust::cluster {

namespace {

// A Name usable both as a node name and inside a tags= selector without being read as a glob,
// range, list or exclusion.
bool plain_word(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

ClusterFile assign_cluster(const std::string& name, const std::string& region,
                           const std::string& filter, const Nodes& nodes,
                           const std::string& username, const Nodes* pool) {
  ClusterFile c;
  c.name = name;
  c.region = region;
  c.filter = filter;

  // Names are unique among the nodes written; a tags=name: selector only where the Name is unique
  // in the whole pool the file is read back against (a terminated twin, another cluster's node).
  std::map<std::string, int> name_count, pool_count;
  for (const auto& n : nodes)
    if (auto v = n.tag("Name"); v && plain_word(*v)) ++name_count[*v];
  for (const auto& n : pool ? *pool : nodes)
    if (auto v = n.tag("Name"); v && plain_word(*v)) ++pool_count[*v];

  // Unique names first, so generated names (node3, web-2) never take a real Name.
  std::set<std::string> taken;
  for (const auto& [v, count] : name_count)
    if (count == 1) taken.insert(v);
  auto fresh = [&](const std::string& base) {
    if (taken.insert(base).second) return base;
    for (int k = 1;; ++k)
      if (std::string s = base + "-" + std::to_string(k); taken.insert(s).second) return s;
  };

  std::map<std::string, int> dup_seen;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    FileNode fn;
    fn.ssh.username = username;
    auto v = n.tag("Name");
    if (v && plain_word(*v) && name_count[*v] == 1) {
      fn.nodename = *v;
      fn.selector = pool_count[*v] == 1 ? "tags=name:" + *v : "id=" + n.id;
    } else {
      if (v && plain_word(*v)) {
        // web, web → web-1, web-2, skipping suffixes another node already has as its Name.
        int& k = dup_seen[*v];
        while (!taken.insert(*v + "-" + std::to_string(++k)).second) {
        }
        fn.nodename = *v + "-" + std::to_string(k);
      } else
        fn.nodename = fresh("node" + std::to_string(i));
      fn.selector = "id=" + n.id;
    }
    c.nodes.push_back(std::move(fn));
  }
  return c;
}

std::string assign_filter(const std::string& target, const Nodes& nodes, bool selects_others) {
  if (!selects_others) return target;
  std::string ids;
  for (const auto& n : nodes) ids += (ids.empty() ? "id=" : ",id=") + n.id;
  return ids;
}

}  // namespace dust::cluster
