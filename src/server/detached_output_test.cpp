// Output kept while detached: in order across nodes, filtered by node, bounded per node with the
// loss counted, cleared once shown and new output arrives.
#include "server/detached_output.h"

#include <gtest/gtest.h>

namespace dust::server {
namespace {

TEST(DetachedOutput, KeepsPrintOrderAcrossNodes) {
  DetachedOutput d;
  EXPECT_TRUE(d.empty());
  d.add("worker0", "[worker0] a\n");
  d.add("worker1", "[worker1] b\n");
  d.add("worker0", "[worker0] c\n");
  d.add("", "notice\n");
  EXPECT_EQ(d.text({}), "[worker0] a\n[worker1] b\n[worker0] c\nnotice\n");
  EXPECT_EQ(d.text({"worker0"}), "[worker0] a\n[worker0] c\n");
  EXPECT_EQ(d.text({"nobody"}), "");
  EXPECT_EQ(d.bytes(), 12u * 3 + 7);
}

TEST(DetachedOutput, DropsOldestBeyondTheLimitAndSaysHowMuch) {
  DetachedOutput d(2048);
  std::string line(100, 'x');
  line += '\n';
  for (int i = 0; i < 50; ++i) d.add("worker0", line);  // 5050 bytes
  d.add("worker1", "kept\n");
  EXPECT_LE(d.bytes(), 2048u + 5);
  std::string all = d.text({});
  EXPECT_EQ(all.rfind("(3030 bytes of worker0 dropped: more than 2 KiB while detached)\n", 0), 0u)
      << all;
  EXPECT_NE(all.find("kept\n"), std::string::npos);
  EXPECT_EQ(d.text({"worker1"}), "kept\n");
}

TEST(DetachedOutput, ShownOutputStaysForReplayUntilNewOutput) {
  DetachedOutput d;
  d.add("worker0", "old\n");
  d.mark_shown();
  EXPECT_EQ(d.text({}), "old\n");
  d.add("worker0", "new\n");
  EXPECT_EQ(d.text({}), "new\n");
}

}  // namespace
}  // namespace dust::server
