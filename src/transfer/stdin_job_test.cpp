// stdin_command run by a real /bin/sh here (as the node's exec channel runs it), and the check of
// the path it prints (node bytes: untrusted).
#include "transfer/stdin_job.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace dust::transfer {
namespace {

struct Ran {
  std::string out;
  int status = 0;
};

// Runs `command` with sh in a private TMPDIR, `input` on its stdin (via a file), stderr with
// stdout.
Ran run_sh(const std::string& command, const std::string& input, const std::string& tmpdir) {
  std::string in = tmpdir + ".input";  // beside the temp dir, not in it
  FILE* f = fopen(in.c_str(), "w");
  fwrite(input.data(), 1, input.size(), f);
  fclose(f);
  std::string line =
      "TMPDIR=" + shell_quote(tmpdir) + " " + command + " < " + shell_quote(in) + " 2>&1";
  FILE* r = popen(line.c_str(), "r");
  Ran ran;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, r)) > 0) ran.out.append(buf, n);
  ran.status = pclose(r);
  unlink(in.c_str());
  return ran;
}

std::string slurp(const std::string& path) {
  std::string s;
  FILE* f = fopen(path.c_str(), "r");
  if (!f) return "(missing)";
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  fclose(f);
  return s;
}

class StdinCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dust-stdin-job-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + shell_quote(dir_)).c_str()); }
  std::string dir_;
};

TEST_F(StdinCommand, WritesAPrivateFileAndPrintsItsPath) {
  std::string data = std::string("a\0b\n", 4) + std::string(300000, 'x');
  Ran r = run_sh(stdin_command(data.size(), "0a1b"), data, dir_);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "dust-stdin-file " + dir_ + "/dust-stdin-0a1b\n");
  std::string path = stdin_path("Welcome to the node\n" + r.out);  // an rc file's greeting first
  ASSERT_EQ(path, dir_ + "/dust-stdin-0a1b");
  EXPECT_EQ(slurp(path), data);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The clean-up finds it by its tag alone.
  EXPECT_EQ(run_sh(remove_command("0a1b"), "", dir_).status, 0);
  EXPECT_EQ(slurp(path), "(missing)");
}

TEST_F(StdinCommand, ShortDataLeavesNoFileAndSaysWhy) {
  Ran r = run_sh(stdin_command(10, "t"), "12345", dir_);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out, "only 5 of 10 bytes arrived\n");
  EXPECT_EQ(run_sh("ls -A " + shell_quote(dir_), "", dir_).out, "");
}

TEST_F(StdinCommand, NeverWritesThroughAPlantedName) {
  // Another user's symlink where the file would go: creation is exclusive, so it is refused and
  // the symlink's target stays untouched.
  std::string target = dir_ + ".target";
  FILE* f = fopen(target.c_str(), "w");
  fputs("theirs", f);
  fclose(f);
  ASSERT_EQ(symlink(target.c_str(), (dir_ + "/dust-stdin-t").c_str()), 0);
  Ran r = run_sh(stdin_command(5, "t"), "12345", dir_);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find(dir_ + "/dust-stdin-t: "), std::string::npos) << r.out;
  EXPECT_EQ(slurp(target), "theirs");
  unlink(target.c_str());
}

TEST(StdinPath, OnlyOneAbsolutePathWithoutControls) {
  EXPECT_EQ(stdin_path("dust-stdin-file /tmp/dust-stdin-ab\n"), "/tmp/dust-stdin-ab");
  EXPECT_EQ(stdin_path("dust-stdin-file /tmp/odd dir+x/dust-stdin-ab\n"),
            "/tmp/odd dir+x/dust-stdin-ab");          // spaces and the like: quoted where used
  EXPECT_EQ(stdin_path("/tmp/dust-stdin-ab\n"), "");  // no prefix: not ours
  EXPECT_EQ(stdin_path(""), "");
  EXPECT_EQ(stdin_path("dust-stdin-file tmp/x\n"), "");                     // relative
  EXPECT_EQ(stdin_path("dust-stdin-file /tmp/\x1b]0;x\x07\n"), "");         // a terminal escape
  EXPECT_EQ(stdin_path("dust-stdin-file /" + std::string(5000, 'a')), "");  // absurdly long
}

}  // namespace
}  // namespace dust::transfer
