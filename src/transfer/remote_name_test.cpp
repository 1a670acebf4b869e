// Unit tests for remote_name.h: which listed names may become local paths, the per-node folder of
// get, quoting for messages, and symlink-loop detection on real paths.
#include "transfer/remote_name.h"

#include <gtest/gtest.h>

namespace dust::transfer {
namespace {

TEST(RemoteName, OneComponentOnly) {
  EXPECT_EQ(unsafe_name_reason("data.log"), "");
  EXPECT_EQ(unsafe_name_reason(".hidden"), "");
  EXPECT_EQ(unsafe_name_reason("..."), "");
  EXPECT_EQ(unsafe_name_reason("with space\tand\x1b[31m escape"), "");  // legal, kept faithfully
  EXPECT_EQ(unsafe_name_reason(std::string(255, 'a')), "");
  EXPECT_NE(unsafe_name_reason(std::string(256, 'a')), "");
  for (const char* bad : {"", ".", "..", "../../../../x", "a/b", "/abs", "a/../../b", "x/", "/"})
    EXPECT_NE(unsafe_name_reason(bad), "") << bad;
  EXPECT_EQ(unsafe_name_reason("../x"), "not one path component (it has a '/')");
  EXPECT_EQ(unsafe_name_reason(""), "an empty name");
}

TEST(RemoteName, NodeFolderFallsBackToTheInstanceId) {
  EXPECT_EQ(node_dir_name("worker0", "i-1"), "worker0");
  EXPECT_EQ(node_dir_name("web(i-0abc)", "i-0abc"), "web(i-0abc)");
  EXPECT_EQ(node_dir_name("wörker", "i-1"), "wörker");
  for (const char* bad :
       {"", ".", "..", "a/../../b", "/x", "../x", "red\x1b[31m", "a\nb", "del\x7f"})
    EXPECT_EQ(node_dir_name(bad, "i-0123"), "i-0123") << bad;
  EXPECT_EQ(node_dir_name("", ""), "unnamed");
}

TEST(RemoteName, QuotedForMessages) {
  EXPECT_EQ(quote_name("plain"), "\"plain\"");
  EXPECT_EQ(quote_name("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quote_name("\x1b]0;pwned\x07\n\x7f"), "\"\\x1b]0;pwned\\x07\\n\\x7f\"");
  EXPECT_EQ(quote_name("wörker"), "\"wörker\"");
}

TEST(RemoteName, ListingKeepsSafeNamesOnce) {
  auto c = check_listing({".", "..", "ok", "../../x", "a/b", "", "ok", "/etc/x", "z"});
  EXPECT_EQ(c.accepted, (std::vector<size_t>{2, 8}));
  ASSERT_EQ(c.refused.size(), 5u);
  EXPECT_EQ(c.refused[0], "\"../../x\": not one path component (it has a '/')");
  EXPECT_EQ(c.refused[2], "\"\": an empty name");
  EXPECT_EQ(c.refused[3], "\"ok\": listed twice");
}

TEST(RemoteName, LoopsOnRealPaths) {
  std::vector<std::string> branch{"/srv/d/sub", "/srv/d"};
  EXPECT_TRUE(leads_back("/srv/d", branch));      // ln -s .. (from sub)
  EXPECT_TRUE(leads_back("/srv/d/sub", branch));  // ln -s .
  EXPECT_TRUE(leads_back("/srv", branch));        // an ancestor of the whole walk
  EXPECT_TRUE(leads_back("/", branch));
  EXPECT_FALSE(leads_back("/srv/d/other", branch));  // a sibling: copied (again), as cp -rL does
  EXPECT_FALSE(leads_back("/srv/dd", branch));       // a prefix of the text only
  EXPECT_FALSE(leads_back("/srv/d/sub/deeper", branch));
}

}  // namespace
}  // namespace dust::transfer
