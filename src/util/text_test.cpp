#include "util/text.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "util/fd_io.h"

namespace dust::util {

TEST(Text, TrimRemovesAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("\v\fx\f"), "x");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("\xc2\xa0x"), "\xc2\xa0x");  // a UTF-8 no-break space is not ASCII whitespace
}

TEST(FdIo, WriteAllWritesEverythingAndReportsAClosedPipe) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::string big(200000, 'x');  // more than a pipe holds: needs the reader
  std::string got;
  pid_t child = fork();
  if (child == 0) {
    close(p[1]);
    char buf[4096];
    size_t total = 0;
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) total += static_cast<size_t>(n);
    _exit(total == 200000 ? 0 : 1);
  }
  close(p[0]);
  EXPECT_TRUE(write_all(p[1], big));
  close(p[1]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(pipe(p), 0);
  close(p[0]);
  signal(SIGPIPE, SIG_IGN);
  EXPECT_FALSE(write_all(p[1], "gone"));
  EXPECT_EQ(errno, EPIPE);
  close(p[1]);
}

}  // namespace dust::util
