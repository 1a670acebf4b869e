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

// The one label rule, for every place a node is named (show and its groups, the region view,
// [prefix]es, folded lists, questions, JSON): the node's name, escaped; "name(i-…)" when another
// node of `among` has the same name, or when the node is not one of `among` (its name alone would
// be a target for another node, or for none) — never merged. `among` is the working set; without
// it, `nodes` itself. A node without a name gets "" (callers show its id).
std::vector<std::string> display_names(const std::vector<const Node*>& nodes,
                                       const Nodes* among = nullptr);

// Every group's names follow display_names over `among` (without it, over all the groups' nodes):
// a name is labelled the same in every group and in every other place dust prints it.
// `last` (instance id → text) adds a last column, "Last_result" (`show :failed`: why each failed).
std::string render_table(const std::vector<NodeGroup>& groups, bool verbose,
                         const Nodes* among = nullptr,
                         const std::map<std::string, std::string>* last = nullptr);

// Detail lines of showex for one node ("  image : ami-…").
std::vector<std::pair<std::string, std::string>> node_details(const Node& n);

}  // namespace dust::shell
