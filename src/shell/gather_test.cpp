#include "shell/gather.h"

#include <gtest/gtest.h>

namespace dust::shell {
namespace {

using Kind = ssh::NodeEvent::Kind;

ssh::Endpoint ep(const std::string& key) {
  ssh::Endpoint e;
  e.key = key, e.node_label = key;
  return e;
}

TEST(Gatherer, TakesItsNodesLinesUntilTheirEndThenLetsThemThrough) {
  std::vector<ssh::Endpoint> eps{ep("i-1"), ep("i-2")};
  ssh::Endpoint other = ep("i-9");
  Gatherer g(eps, 1 << 20);
  std::vector<size_t> ended;
  g.on_end = [&](size_t i, const ssh::NodeEvent&) { ended.push_back(i); };
  EXPECT_TRUE(g.on_event({Kind::Line, eps[0], "a"}));
  EXPECT_TRUE(g.on_event({Kind::Partial, eps[0], "b"}));
  EXPECT_FALSE(g.on_event({Kind::Line, other, "x"}));                // not its node
  EXPECT_FALSE(g.on_event({Kind::Notice, eps[0], "reconnecting"}));  // notices print as usual
  EXPECT_FALSE(g.on_event({Kind::Done, eps[0], {}, 3}));
  EXPECT_FALSE(g.on_event({Kind::Line, eps[0], "background"}));  // after its end: shown live
  EXPECT_TRUE(g.on_event({Kind::Error, eps[1], "connection lost"}));
  EXPECT_EQ(ended, (std::vector<size_t>{0, 1}));
  ssh::NodeResult r;
  r.finished = true, r.status = 3;
  NodeCapture c = g.capture(0, "n1", r);
  EXPECT_EQ(c.lines, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.status, 3);
  EXPECT_EQ(c.end, NodeCapture::End::Exit);
  r.error = "connection lost", r.status = -1;
  EXPECT_EQ(g.capture(1, "n2", r).end, NodeCapture::End::Error);
}

TEST(Gatherer, AFloodKeepsTheTailWithinTheLimitAndCountsTheRest) {
  std::vector<ssh::Endpoint> eps{ep("i-1")};
  const size_t limit = 64 << 10;
  Gatherer g(eps, limit);
  const size_t n = 100000;  // empty lines: their overhead counts, not only their text
  for (size_t i = 0; i < n; ++i) {
    std::string t = i % 2 ? "" : std::to_string(i);
    g.on_event({Kind::Line, eps[0], t});
  }
  ssh::NodeResult r;
  r.finished = true, r.status = 0;
  NodeCapture c = g.capture(0, "n", r);
  ASSERT_FALSE(c.lines.empty());
  EXPECT_EQ(c.dropped_lines + c.lines.size(), n);
  EXPECT_LT(c.lines.size() * (sizeof(std::string) + 1), limit);  // bounded by memory, not text
  EXPECT_GT(c.lines.size(), 100u);
  // The tail, in order: the last line is the last sent (an empty odd one), the one before it even.
  EXPECT_EQ(c.lines.back(), "");
  EXPECT_EQ(c.lines[c.lines.size() - 2], std::to_string(n - 2));
  EXPECT_EQ(gather_limit(1), 4u << 20);
  EXPECT_EQ(gather_limit(500), (256u << 20) / 500);
  EXPECT_EQ(gather_limit(100000), 64u << 10);
}

}  // namespace
}  // namespace dust::shell
