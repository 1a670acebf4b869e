// `assign`: turning a selection of instances into a cluster file — each node named from its Name
// tag (selector tags=name:<v>) else node<i> (selector id=<instance-id>), duplicates disambiguated.
#pragma once
#include <string>

#include "cluster/cluster_file.h"
#include "model/node.h"

namespace dust::cluster {

// Pure. `nodes` in the order shown to the user; `filter` is the target that selected them (saved
// as the cluster filter); `username` goes on every node ("" = none).
// A Name tag shared by several nodes, or one that is not a plain word (spaces, glob characters),
// cannot select exactly one instance: those nodes get `id=` selectors and unique names
// (web, web → web-1, web-2).
ClusterFile assign_cluster(const std::string& name, const std::string& region,
                           const std::string& filter, const Nodes& nodes,
                           const std::string& username);

}  // namespace dust::cluster
