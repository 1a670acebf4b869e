// The last EC2 answer, kept on disk so that a dust that starts cold (a one-shot, a new server) can
// start connecting to the nodes it will most likely run on while it asks EC2 again
// (Context::fetch_nodes_overlapped). Only a hint: nodes are confirmed by the fresh answer before
// their host key is checked or anything is sent (Pool::prepare/confirm). One file per region and
// AWS identity (the environment's AWS_* variables and HOME, hashed), mode 0600 in a 0700 folder.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "model/node.h"

namespace dust::shell {

// $DUST_HOME/cache/nodes-<hash of identity and region>.json
std::string node_cache_path(const std::string& identity, const std::string& region);
// Writes the nodes (their EC2 fields) atomically; a failure is logged, never thrown: the cache is a
// hint.
void save_node_cache(const std::string& path, const Nodes& nodes);
// The nodes of a cache file no older than max_age, or nothing (missing, too old, unreadable,
// malformed, or not the user's own file).
std::optional<Nodes> load_node_cache(const std::string& path, std::chrono::seconds max_age);
// The JSON text of the file, and its parse (pure; for tests and fuzzing). parse throws dust::Error.
std::string node_cache_json(const Nodes& nodes);
Nodes parse_node_cache(const std::string& text);

}  // namespace dust::shell
