// Renders nodes the way `show` prints them: `Name Instance State ID ext_IP int_IP`, columns wide
// enough for their longest value, optional per-node detail lines (showex), optional group titles.
// Pure: no I/O.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "model/node.h"

namespace dust::shell {

struct NodeGroup {
  std::string title;  // "" = no title line (e.g. "Unassigned:" or "sample1:")
  std::vector<const Node*> nodes;
};

// Names to print for `nodes`: a name shared by several nodes (of `among` when given, else of
// `nodes`) becomes "name(i-…)" — never merged. A node without a name gets "".
std::vector<std::string> display_names(const std::vector<const Node*>& nodes,
                                       const Nodes* among = nullptr);

// `last` (instance id → text) adds a last column, "Last_result" (`show :failed`: why each failed).
std::string render_table(const std::vector<NodeGroup>& groups, bool verbose,
                         const std::map<std::string, std::string>* last = nullptr);

// Detail lines of showex for one node ("  image : ami-…").
std::vector<std::pair<std::string, std::string>> node_details(const Node& n);

}  // namespace dust::shell
