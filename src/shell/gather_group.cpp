// Grouping and rendering of gathered output (see gather_group.h).
#include "shell/gather_group.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "shell/gather_diff.h"
#include "util/fold.h"

namespace dust::shell {
namespace {

// One line of context around each change: the largest group, printed in full just above, is the
// reference; at 500 nodes every line counts (five differing nodes stay under 60 lines).
constexpr size_t kDiffContext = 1;

std::string outcome(const NodeCapture& c) {
  switch (c.end) {
    case NodeCapture::End::Exit:
      return c.status < 0 ? "no exit status" : fmt::format("exit {}", c.status);
    case NodeCapture::End::Error:
      return "error: " + c.error;
    case NodeCapture::End::Running:
      return "still running";
  }
  return "";
}

std::string names(const std::vector<NodeCapture>& cs, const OutputGroup& g) {
  std::vector<std::string> v;
  for (size_t i : g.members) v.push_back(cs[i].node);
  return fold_names(v);
}

// The group's own text: a note on what was dropped, then its lines.
void append_body(std::string* out, const NodeCapture& c) {
  if (c.dropped_lines)
    *out += fmt::format("(first {} line{} ({} bytes) dropped: over the per-node memory limit)\n",
                        c.dropped_lines, c.dropped_lines == 1 ? "" : "s", c.dropped_bytes);
  for (const auto& l : c.lines) *out += l, *out += '\n';
}

}  // namespace

std::vector<OutputGroup> group_captures(const std::vector<NodeCapture>& cs) {
  using Key = std::tuple<const std::vector<std::string>*, size_t, size_t, std::string>;
  auto less = [](const Key& x, const Key& y) {
    if (*std::get<0>(x) != *std::get<0>(y)) return *std::get<0>(x) < *std::get<0>(y);
    return std::tie(std::get<1>(x), std::get<2>(x), std::get<3>(x)) <
           std::tie(std::get<1>(y), std::get<2>(y), std::get<3>(y));
  };
  std::map<Key, size_t, decltype(less)> index(less);
  std::vector<OutputGroup> groups;
  for (size_t i = 0; i < cs.size(); ++i) {
    std::string what = outcome(cs[i]);
    Key k{&cs[i].lines, cs[i].dropped_lines, cs[i].dropped_bytes, what};
    auto [it, added] = index.emplace(k, groups.size());
    if (added) groups.push_back({{}, what});
    groups[it->second].members.push_back(i);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const OutputGroup& a, const OutputGroup& b) {
    return a.members.size() > b.members.size();
  });
  return groups;
}

std::string render_groups(const std::vector<NodeCapture>& cs, const std::vector<OutputGroup>& gs,
                          bool diff) {
  std::string out;
  if (gs.empty()) return out;
  const NodeCapture& base = cs[gs[0].members[0]];
  std::string base_names = names(cs, gs[0]);
  for (size_t g = 0; g < gs.size(); ++g) {
    const NodeCapture& c = cs[gs[g].members[0]];
    std::string who = names(cs, gs[g]);
    size_t n = gs[g].members.size();
    std::optional<std::vector<std::string>> d;
    // A diff only where both sides are whole (nothing dropped) and it is shorter than the text.
    if (diff && g > 0 && !base.lines.empty() && !c.lines.empty() && !c.dropped_lines &&
        !base.dropped_lines)
      d = unified_diff(base.lines, c.lines, kDiffContext);
    if (d && !d->empty() && d->size() < c.lines.size()) {
      out +=
          fmt::format("---- {} ({}) {}, diff against {} ----\n", who, n, gs[g].header, base_names);
      for (const auto& l : *d) out += l, out += '\n';
    } else if (d && d->empty() && g > 0) {
      // Same lines, another outcome: say so instead of repeating them.
      out += fmt::format("---- {} ({}) {}, same output as {} ----\n", who, n, gs[g].header,
                         base_names);
    } else {
      out += fmt::format("---- {} ({}) {} ----\n", who, n, gs[g].header);
      append_body(&out, c);
    }
  }
  return out;
}

}  // namespace dust::shell
