// feed_stdin: the line, run by a real /bin/sh here, gives the command its stdin and then EOF.
#include "shell/remote_stdin.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace dust::shell {
namespace {

// Runs `line` with sh, stdin closed, and returns what it printed (and its status).
std::string run_sh(const std::string& line, int* status) {
  char path[] = "/tmp/dust-stdin-test-XXXXXX";
  int fd = mkstemp(path);
  std::string script = line + "\necho \"status=$?\"\n";
  EXPECT_EQ(write(fd, script.data(), script.size()), static_cast<ssize_t>(script.size()));
  close(fd);
  FILE* r = popen((std::string("sh ") + path + " </dev/null").c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, r)) > 0) out.append(buf, n);
  *status = pclose(r);
  unlink(path);
  return out;
}

TEST(RemoteStdin, EmptyStdinIsEndOfFileAtOnce) {
  int st;
  EXPECT_EQ(run_sh(feed_stdin("cat; echo done", "", "ab12"), &st), "done\nstatus=0\n");
  EXPECT_EQ(feed_stdin("true", "", "ab12"),
            "{ true; } </dev/null");  // one line: no PS2 to wait for
  EXPECT_EQ(run_sh(feed_stdin("cat; false;  ", "", "ab12"), &st), "status=1\n");
  EXPECT_EQ(run_sh(feed_stdin("sleep 0 & ", "", "ab12") + "; wait; echo bg", &st),
            "bg\nstatus=0\n");
  EXPECT_EQ(run_sh(feed_stdin("cat # a comment", "", "ab12"), &st), "status=0\n");
}

TEST(RemoteStdin, DataThenEndOfFileAndTheStatusIsTheCommands) {
  int st;
  EXPECT_EQ(run_sh(feed_stdin("cat", "hi\n", "ab12"), &st), "hi\nstatus=0\n");
  EXPECT_EQ(run_sh(feed_stdin("wc -c; false", "hi\n", "ab12"), &st), "3\nstatus=1\n");
}

TEST(RemoteStdin, BinaryAndControlBytesArriveExactly) {
  std::string data;
  for (int i = 0; i < 256; ++i) data += static_cast<char>(i);
  data += std::string(100000, '\x04');
  int st;
  std::string out =
      run_sh(feed_stdin("od -An -tx1 | tr -d ' \\n' | md5sum | cut -c1-8", data, "ff"), &st);
  // The same digest of the data written here directly.
  char path[] = "/tmp/dust-stdin-data-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  close(fd);
  std::string ref =
      run_sh(std::string("od -An -tx1 < ") + path + " | tr -d ' \\n' | md5sum | cut -c1-8", &st);
  unlink(path);
  EXPECT_EQ(out, ref);
}

TEST(RemoteStdin, TheCommandRunsInTheCurrentShellAndMayEndInAComment) {
  int st;
  EXPECT_EQ(run_sh(feed_stdin("cd /tmp # go there", "x", "01") + "; pwd", &st), "/tmp\nstatus=0\n");
  EXPECT_EQ(run_sh(feed_stdin("X=kept", "", "01") + "; echo $X", &st), "kept\nstatus=0\n");
}

TEST(RemoteStdin, FromAFileTheCommandReadsItInTheCurrentShellAndNoFileIsLeft) {
  char path[] = "/tmp/dust-stdin-file-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_EQ(write(fd, "a\nb\n", 4), 4);
  close(fd);
  int st;
  std::string line = feed_stdin_file("cd /tmp; wc -l; (exit 4) # a comment", path);
  EXPECT_EQ(run_sh(line + "; echo \"rc=$?\"; pwd; [ -e " + path + " ] || echo gone", &st),
            "2\nrc=4\n/tmp\ngone\nstatus=0\n");
  // A command that does not parse (an unbalanced quote, a stray brace) fails with the shell's
  // syntax error, and the file is gone all the same.
  for (const char* bad : {"echo 'x", "wc -l; }"}) {
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    close(fd);
    // (A script's shell stops at the error; an interactive one just ends the line there.)
    std::string out = run_sh(feed_stdin_file(bad, path), &st);
    EXPECT_EQ(out.find("status=0"), std::string::npos) << bad << ": " << out;
    EXPECT_NE(access(path, F_OK), 0) << bad;
  }
  // A name the shell would split or expand stays one word.
  EXPECT_NE(feed_stdin_file("cat", "/tmp/a b$(x)").find("'/tmp/a b$(x)'"), std::string::npos);
}

}  // namespace
}  // namespace dust::shell
