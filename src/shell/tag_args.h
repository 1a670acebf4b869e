// Parsing of tag/untag arguments: "k=v,k2=v2" and "k,k2". Pure; throws UsageError (exit 2) on bad
// input.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "model/node.h"

namespace dust::shell {

std::vector<std::pair<std::string, std::string>> parse_tag_pairs(const std::string& text);
std::vector<std::string> parse_tag_keys(const std::string& text);
// Instance ids of the nodes; throws when there are none (naming the target).
std::vector<std::string> ids_of(const std::vector<const Node*>& nodes, const std::string& target);

}  // namespace dust::shell
