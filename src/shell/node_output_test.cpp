// NodeOutput: the `[node]` prefix with and without colour, colours by node identity.
#include "shell/node_output.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

namespace dust::shell {
namespace {

TEST(NodeOutput, PlainPrefixLinesNoticesAndErrors) {
  NodeOutput o(false);
  EXPECT_EQ(o.prefix("i-1", "web(i-1)"), "[web(i-1)]");
  EXPECT_EQ(o.line("i-1", "worker0", "hello world"), "[worker0] hello world\n");
  EXPECT_EQ(o.line("i-1", "worker0", ""), "[worker0] \n");
  EXPECT_EQ(o.notice("i-2", "db", "session closed"), "[db] session closed\n");
  EXPECT_EQ(o.error("i-2", "db", "connection refused"), "[db] error: connection refused\n");
}

TEST(NodeOutput, ColourFollowsTheNodeNotItsLabel) {
  NodeOutput o(true);
  std::string a = o.prefix("i-a", "worker0");
  std::string b = o.prefix("i-b", "worker0");  // another node with the same name: another colour
  EXPECT_EQ(a, "\x1b[31m[worker0]\x1b[0m");
  EXPECT_EQ(b, "\x1b[32m[worker0]\x1b[0m");
  // Renamed: same node, same colour, new label.
  EXPECT_EQ(o.prefix("i-a", "alpha0"), "\x1b[31m[alpha0]\x1b[0m");
  EXPECT_EQ(o.line("i-b", "x", "t"), "\x1b[32m[x]\x1b[0m t\n");
  // Six colours, then round again.
  for (const char* k : {"i-c", "i-d", "i-e", "i-f"}) o.prefix(k, "n");
  EXPECT_EQ(o.prefix("i-g", "n"), "\x1b[31m[n]\x1b[0m");
}

TEST(NodeOutput, NoColorOrNoTerminalMeansNoColour) {
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(NodeOutput::colour_wanted(0));
  ::unsetenv("NO_COLOR");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_FALSE(NodeOutput::colour_wanted(fds[1]));  // a pipe is not a terminal
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace dust::shell
