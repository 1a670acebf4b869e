#include "shell/gather_group.h"

#include <gtest/gtest.h>

namespace dust::shell {
namespace {

NodeCapture exit_with(std::string node, std::vector<std::string> lines, int status = 0) {
  NodeCapture c;
  c.node = std::move(node);
  c.lines = std::move(lines);
  c.status = status;
  return c;
}

std::vector<std::string> twenty(const std::string& changed_10th = "") {
  std::vector<std::string> v;
  for (int i = 1; i <= 20; ++i) v.push_back("line " + std::to_string(i));
  if (!changed_10th.empty()) v[9] = changed_10th;
  return v;
}

TEST(GatherGroup, IdenticalOutputAndStatusFoldIntoOneGroup) {
  std::vector<NodeCapture> cs{exit_with("worker0", {"a", "b"}), exit_with("worker1", {"a", "b"}),
                              exit_with("worker2", {"a", "b"})};
  auto gs = group_captures(cs);
  ASSERT_EQ(gs.size(), 1u);
  EXPECT_EQ(render_groups(cs, gs, true), "---- worker[0-2] (3) exit 0 ----\na\nb\n");
}

TEST(GatherGroup, SameOutputOtherStatusIsAnotherGroupLargestFirst) {
  std::vector<NodeCapture> cs{exit_with("master", {"x"}, 1), exit_with("worker0", {"x"}),
                              exit_with("worker1", {"x"})};
  auto gs = group_captures(cs);
  ASSERT_EQ(gs.size(), 2u);
  EXPECT_EQ(render_groups(cs, gs, true),
            "---- worker[0-1] (2) exit 0 ----\nx\n"
            "---- master (1) exit 1, same output as worker[0-1] ----\n");
}

TEST(GatherGroup, SmallDifferenceShowsAsDiffUnlessTurnedOff) {
  std::vector<NodeCapture> cs;
  for (int i = 0; i < 4; ++i) cs.push_back(exit_with("w" + std::to_string(i), twenty()));
  cs.push_back(exit_with("w4", twenty("line ten")));
  auto gs = group_captures(cs);
  ASSERT_EQ(gs.size(), 2u);
  std::string text = render_groups(cs, gs, true);
  EXPECT_NE(text.find("---- w[0-3] (4) exit 0 ----\nline 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("---- w4 (1) exit 0, diff against w[0-3] ----\n@@ -9,3 +9,3 @@\n"
                      " line 9\n-line 10\n+line ten\n line 11\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 20 + 1 + 5);
  // Off: the group prints in full.
  text = render_groups(cs, gs, false);
  EXPECT_NE(text.find("---- w4 (1) exit 0 ----\nline 1\n"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 20 + 1 + 20);
}

TEST(GatherGroup, DiffLongerThanTheTextPrintsTheText) {
  std::vector<NodeCapture> cs{exit_with("a", twenty()), exit_with("b", twenty()),
                              exit_with("c", {"totally", "else"})};
  auto gs = group_captures(cs);
  std::string text = render_groups(cs, gs, true);
  EXPECT_NE(text.find("---- c (1) exit 0 ----\ntotally\nelse\n"), std::string::npos) << text;
}

TEST(GatherGroup, ErrorsRunningAndDroppedAreTheirOwnGroups) {
  std::vector<NodeCapture> cs{exit_with("w0", {"a"}), exit_with("w1", {"a"})};
  NodeCapture e;
  e.node = "db", e.end = NodeCapture::End::Error, e.error = "cannot connect (Connection refused)";
  cs.push_back(e);
  NodeCapture r = exit_with("w2", {"a"});
  r.end = NodeCapture::End::Running;
  cs.push_back(r);
  NodeCapture big = exit_with("w3", {"a"});
  big.dropped_lines = 5, big.dropped_bytes = 50;
  cs.push_back(big);
  auto gs = group_captures(cs);
  ASSERT_EQ(gs.size(), 4u);
  std::string text = render_groups(cs, gs, true);
  EXPECT_NE(text.find("---- db (1) error: cannot connect (Connection refused) ----\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("---- w2 (1) still running, same output as w[0-1] ----\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("---- w3 (1) exit 0 ----\n(first 5 lines (50 bytes) dropped: over the "
                      "per-node memory limit)\na\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace dust::shell
