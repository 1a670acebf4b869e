// Line diffs for gathered output (`@@`): a group that differs a little from the largest group is
// shown as a unified diff against it. Myers' O((N+M)·D) algorithm over lines, pure, that gives up
// after `max_changes`. Debian's libdtl (1.20) was measured and not used: its O(NP) compose has no
// bound on the work, and the lines are node output (untrusted): two 100,000-line outputs that
// differ everywhere cost it 4.7 s of CPU and 91 MB (and grow with the outputs), where this gives up
// at 2,000 changes after 0.4 s and 40 MB whatever their length.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dust::shell {

struct LineEdit {
  enum class Op { Equal, Delete, Insert };
  Op op;
  size_t a = 0;  // index into the old lines (Equal, Delete)
  size_t b = 0;  // index into the new lines (Equal, Insert)
};

// The shortest edit script turning `a` into `b`, or nullopt when it needs more than `max_changes`
// deletions + insertions (the work and memory grow with their square: a diff that long is not
// worth showing anyway).
std::optional<std::vector<LineEdit>> diff_lines(const std::vector<std::string>& a,
                                                const std::vector<std::string>& b,
                                                size_t max_changes = 2000);

// A unified diff (`@@ -1,3 +1,3 @@` hunks, ` `/`-`/`+` lines, `context` lines around each change;
// no ---/+++ file header), one string per output line; empty when a == b; nullopt as diff_lines.
std::optional<std::vector<std::string>> unified_diff(const std::vector<std::string>& a,
                                                     const std::vector<std::string>& b,
                                                     size_t context = 3, size_t max_changes = 2000);

}  // namespace dust::shell
