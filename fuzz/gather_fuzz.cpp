// Fuzzes gathered output (shell/gather_group, shell/gather_diff): nodes' lines and outcomes from
// the input are grouped (every node in exactly one group) and rendered with diffs; an edit script
// from diff_lines turns one node's lines into the other's.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shell/gather_diff.h"
#include "shell/gather_group.h"

using dust::shell::NodeCapture;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Nodes separated by '\0'; a node's first byte is its outcome, the rest its lines ('\n').
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<NodeCapture> caps;
  while (!in.empty() && caps.size() < 16) {
    size_t end = in.find('\0');
    std::string_view node = in.substr(0, end);
    in.remove_prefix(end == std::string_view::npos ? in.size() : end + 1);
    NodeCapture c;
    c.node = "node" + std::to_string(caps.size());
    if (!node.empty()) {
      unsigned char o = node[0];
      node.remove_prefix(1);
      c.end = o % 5 == 0   ? NodeCapture::End::Error
              : o % 5 == 1 ? NodeCapture::End::Running
                           : NodeCapture::End::Exit;
      c.status = o % 3;
      if (c.end == NodeCapture::End::Error) c.error = "cannot connect";
      c.dropped_lines = o % 7 == 0 ? 2 : 0;
      c.dropped_bytes = c.dropped_lines * 10;
    }
    while (!node.empty()) {
      size_t nl = node.find('\n');
      c.lines.emplace_back(node.substr(0, nl));
      node.remove_prefix(nl == std::string_view::npos ? node.size() : nl + 1);
    }
    caps.push_back(std::move(c));
  }
  auto groups = dust::shell::group_captures(caps);
  std::vector<int> seen(caps.size(), 0);
  for (const auto& g : groups)
    for (size_t m : g.members) ++seen.at(m);
  for (int s : seen)
    if (s != 1) __builtin_trap();
  dust::shell::render_groups(caps, groups, true);
  dust::shell::render_groups(caps, groups, false);
  if (caps.size() >= 2) {
    const auto& a = caps[0].lines;
    const auto& b = caps[1].lines;
    if (auto edits = dust::shell::diff_lines(a, b, 200)) {
      std::vector<std::string> rebuilt;
      for (const auto& e : *edits) {
        if (e.op == dust::shell::LineEdit::Op::Equal && a.at(e.a) != b.at(e.b)) __builtin_trap();
        if (e.op != dust::shell::LineEdit::Op::Delete) rebuilt.push_back(b.at(e.b));
      }
      if (rebuilt != b) __builtin_trap();
    }
    dust::shell::unified_diff(a, b, 3, 200);
  }
  return 0;
}
