// Node helpers.
#include "model/node.h"

#include <strings.h>

namespace dust {

std::optional<std::string> Node::tag(const std::string& key) const {
  for (const auto& [k, v] : tags)
    if (strcasecmp(k.c_str(), key.c_str()) == 0) return v;
  return std::nullopt;
}

}  // namespace dust
