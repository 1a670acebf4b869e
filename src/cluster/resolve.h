// Resolving a cluster file against a region's instances: which instance is `master`, which file
// nodes have no instance (absent), which instances of the cluster's filter the file does not name.
#pragma once
#include <string>
#include <vector>

#include "cluster/cluster_file.h"
#include "model/node.h"

namespace dust::cluster {

struct Resolution {
  // File order. Each file node yields its matching instance(s) with name = nodename, cluster =
  // the cluster's name and the file's ssh settings (node over cluster defaults); a file node with
  // no instance yields one Node with id "" and state "absent". A selector matching several
  // instances yields all of them (same name; never merged, PRODUCT.md §2) and a warning.
  Nodes nodes;
  // Instances matching the cluster filter but no file node ("not in the cluster file"), in
  // region order, as the region reported them (Name-tag names, no cluster).
  Nodes strays;
  std::vector<std::string> warnings;
};

// Pure. A bad filter throws dust::Error naming the file; a bad selector is a warning and its node
// is absent, so one typo does not hide the rest of the cluster.
Resolution resolve(const ClusterFile& c, const Nodes& region_nodes);

}  // namespace dust::cluster
