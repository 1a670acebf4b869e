// `assign`: turning a selection of instances into a cluster file — each node named from its Name
// tag (selector tags=name:<v>) else node<i> (selector id=<instance-id>), duplicates disambiguated.
#pragma once
#include <string>

#include "cluster/cluster_file.h"
#include "model/node.h"

namespace dust::cluster {

// Pure. `nodes` in the order shown to the user; `filter` is saved as the cluster filter (see
// assign_filter); `username` goes on every node ("" = none). `pool`: every instance the filter
// selects in the region, `nodes` among them (terminated ones and other clusters' too; null =
// `nodes`): the instances a selector is matched against when the file is read back.
// A Name tag shared by several instances of the pool, or one that is not a plain word (spaces, glob
// characters), cannot select exactly one instance: those nodes get `id=` selectors and unique names
// (web, web → web-1, web-2).
ClusterFile assign_cluster(const std::string& name, const std::string& region,
                           const std::string& filter, const Nodes& nodes,
                           const std::string& username, const Nodes* pool = nullptr);

// The filter to save: the target as typed when it selects nothing but the nodes being assigned (and
// terminated instances), so an instance that later matches it is listed as "not in the cluster
// file"; when it also selects instances kept out of the cluster (another cluster's), their ids
// "id=i-1,id=i-2,…", so the new cluster never lists another cluster's nodes as its own strays.
std::string assign_filter(const std::string& target, const Nodes& nodes, bool selects_others);

}  // namespace dust::cluster
