// tag/untag argument parsing.
#include "shell/tag_args.h"

#include <fmt/format.h>

#include "shell/command.h"
#include "util/error.h"

namespace dust::shell {
namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void check_key(const std::string& k) {
  if (k.empty()) throw UsageError("empty tag key");
  if (k.rfind("aws:", 0) == 0)
    throw UsageError(
        fmt::format("tag key '{}' is reserved: keys starting with aws: cannot be changed", k));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_tag_pairs(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : split_commas(text)) {
    size_t eq = item.find('=');
    if (eq == std::string::npos) throw UsageError(fmt::format("'{}' is not key=value", item));
    std::string k = item.substr(0, eq), v = item.substr(eq + 1);
    check_key(k);
    out.emplace_back(k, v);
  }
  return out;
}

std::vector<std::string> parse_tag_keys(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& k : split_commas(text)) {
    if (k.find('=') != std::string::npos)
      throw UsageError(fmt::format("'{}': untag takes keys only", k));
    check_key(k);
    out.push_back(k);
  }
  return out;
}

std::vector<std::string> ids_of(const std::vector<const Node*>& nodes, const std::string& target) {
  std::vector<std::string> ids;
  for (const Node* n : nodes)
    if (!n->id.empty()) ids.push_back(n->id);
  if (ids.empty()) throw Error(fmt::format("no nodes match '{}'", target));
  return ids;
}

}  // namespace dust::shell
