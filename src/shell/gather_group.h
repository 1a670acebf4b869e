// Gathered output (`@@`) as text: nodes whose output and outcome are identical fold into one
// group under a `---- worker[0-2] (3) exit 0 ----` header, largest group first; the largest prints
// in full, each other group as a unified diff against it when that is shorter. Pure.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace dust::shell {

// One node's gathered output and how its command ended.
struct NodeCapture {
  enum class End { Exit, Error, Running };
  std::string node;  // label
  std::vector<std::string> lines;
  size_t dropped_lines = 0;  // oldest lines dropped over the per-node memory limit
  size_t dropped_bytes = 0;
  End end = End::Exit;
  int status = -1;    // Exit: exit status (-1: none known)
  std::string error;  // Error: why
};

struct OutputGroup {
  std::vector<size_t> members;  // indices into the captures, in their order
  std::string header;           // the outcome: "exit 0", "error: …", "still running"
};

// Groups by (lines, dropped counts, outcome); largest first, ties in order of first appearance.
std::vector<OutputGroup> group_captures(const std::vector<NodeCapture>& captures);

// The text to print (each line ends in "\n"). `diff` = show smaller groups as diffs.
std::string render_groups(const std::vector<NodeCapture>& captures,
                          const std::vector<OutputGroup>& groups, bool diff);

}  // namespace dust::shell
