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

TEST(RemoteName, TildeIsTheLoginDirectoryTheCommandsStartIn) {
  EXPECT_EQ(login_relative("~"), "");
  EXPECT_EQ(login_relative("~/a/b.txt"), "a/b.txt");
  EXPECT_EQ(login_relative("~/"), "");
  EXPECT_EQ(login_relative("~alice/x"), "~alice/x");
  EXPECT_EQ(login_relative("/tmp/~/x"), "/tmp/~/x");
  EXPECT_EQ(login_relative("rel/~"), "rel/~");
}

TEST(RemoteName, QuotedForMessages) {
  EXPECT_EQ(quote_name("plain"), "\"plain\"");
  EXPECT_EQ(quote_name("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quote_name("\x1b]0;pwned\x07\n\x7f"), "\"\\x1b]0;pwned\\x07\\n\\x7f\"");
  EXPECT_EQ(quote_name("wörker"), "\"wörker\"");
}

}  // namespace
}  // namespace dust::transfer
