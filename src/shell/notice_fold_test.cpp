// Folding per-node notices: one line per kind, the node's own form when only one node reported.
#include "shell/notice_fold.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace dust::shell {
namespace {

TEST(NoticeFold, FiveHundredNewHostKeysAreOneLine) {
  NoticeFold f;
  for (int i = 1; i <= 500; ++i)
    f.add(fmt::format("i-{}", i), fmt::format("node{:03}", i), false,
          fmt::format("recorded new host key ssh-ed25519 SHA256:{} in /h/.ssh/known_hosts", i));
  auto lines = f.take();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text,
            "recorded new host keys for 500 nodes: node[001-500] (`hostkeys` lists them)");
  EXPECT_TRUE(lines[0].key.empty());
  EXPECT_TRUE(f.empty());
  EXPECT_TRUE(f.take().empty());
}

TEST(NoticeFold, ConnectionErrorsGroupByReasonSinglesKeepTheirForm) {
  NoticeFold f;
  f.add("i-3", "worker3", true, "cannot connect to 10.0.0.3: Connection refused");
  f.add("i-1", "worker1", false, "recorded new host key ssh-ed25519 SHA256:a in kh");
  f.add("i-7", "worker7", true, "cannot connect to 10.0.0.7: Connection refused");
  f.add("i-9", "db", true, "connection timed out after 10 s");
  auto lines = f.take();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[0].error);
  EXPECT_EQ(lines[0].text, "cannot connect (Connection refused): worker[3,7]");
  EXPECT_EQ(lines[0].label, "");
  // One node: its own message in full, for `[worker1] …`.
  EXPECT_FALSE(lines[1].error);
  EXPECT_EQ(lines[1].label, "worker1");
  EXPECT_EQ(lines[1].key, "i-1");
  EXPECT_EQ(lines[1].text, "recorded new host key ssh-ed25519 SHA256:a in kh");
  EXPECT_EQ(lines[2].label, "db");
  EXPECT_EQ(lines[2].text, "connection timed out after 10 s");
}

TEST(NoticeFold, OtherNoticesFoldOnTheirText) {
  NoticeFold f;
  f.add("i-1", "w1", false, "session closed");
  f.add("i-2", "w2", false, "session closed");
  f.add("i-2", "w2", true, "session closed");  // an error is never folded with a notice
  auto lines = f.take();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "session closed: w[1-2]");
  EXPECT_FALSE(lines[0].error);
  EXPECT_TRUE(lines[1].error);
  EXPECT_EQ(lines[1].label, "w2");
}

TEST(NoticeFold, TakeNodeKeepsANodesNoticeBeforeItsOutputButNotHostKeys) {
  NoticeFold f;
  f.add("i-1", "w1", false, "recorded new host key ssh-ed25519 SHA256:a in kh");
  f.add("i-1", "w1", false, "reconnecting: the previous shell's state was lost");
  f.add("i-2", "w2", false, "recorded new host key ssh-ed25519 SHA256:b in kh");
  EXPECT_TRUE(f.take_node("i-2").empty());  // only a host key: it stays for the folded line
  auto mine = f.take_node("i-1");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].label, "w1");
  EXPECT_EQ(mine[0].text, "reconnecting: the previous shell's state was lost");
  EXPECT_TRUE(f.take_node("i-1").empty());
  auto rest = f.take();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].text, "recorded new host keys for 2 nodes: w[1-2] (`hostkeys` lists them)");
}

}  // namespace
}  // namespace dust::shell
