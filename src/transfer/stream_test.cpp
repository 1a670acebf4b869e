// Unit tests for the remote commands of put and get (put_command, batch_command, fetch_command),
// run by a local /bin/sh the way a node's login shell runs them: a complete upload is renamed into
// place, a short or failed one removes itself; the reader sends a header, then the file.
#include "transfer/stream.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "transfer/batch.h"
#include "transfer/fetch.h"
#include "transfer/link.h"

namespace dust::transfer {
namespace {

struct Outcome {
  int status;
  std::string err, out;
};

std::string slurp(const std::string& path) {
  std::string s;
  if (FILE* e = fopen(path.c_str(), "rb")) {
    char b[4096];
    size_t n;
    while ((n = fread(b, 1, sizeof b, e)) > 0) s.append(b, n);
    fclose(e);
  }
  return s;
}

// Pipes `input` into `command` (run by sh -c, as sshd runs an exec request); returns its exit
// status and stderr.
Outcome run_writer(const std::string& command, const std::string& input, const std::string& dir) {
  std::string in = dir + "/stdin", err = dir + "/stderr", out = dir + "/stdout";
  FILE* f = fopen(in.c_str(), "wb");
  fwrite(input.data(), 1, input.size(), f);
  fclose(f);
  int rc = std::system(
      ("/bin/sh -c " + shell_quote(command) + " < " + in + " 2> " + err + " > " + out).c_str());
  return Outcome{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(err), slurp(out)};
}

class StreamCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dust-stream-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // A name a shell would mangle unquoted: spaces, a quote, a glob, a dollar.
    tmp_ = dir_ + "/.it's a $file*.dust-1-1";
    FILE* f = fopen(tmp_.c_str(), "wb");  // put creates the temporary file before streaming
    fclose(f);
  }
  void TearDown() override { std::system(("rm -rf " + shell_quote(dir_)).c_str()); }
  bool exists() const {
    struct stat st {};
    return stat(tmp_.c_str(), &st) == 0;
  }
  off_t size() const {
    struct stat st {};
    return stat(tmp_.c_str(), &st) == 0 ? st.st_size : -1;
  }
  std::string dir_, tmp_;
};

// put_command: the whole put of one file on the node, into `dst_`.
class PutCommand : public StreamCommand {
 protected:
  void SetUp() override {
    StreamCommand::SetUp();
    dst_ = dir_ + "/dst";
    ASSERT_EQ(mkdir(dst_.c_str(), 0755), 0);
  }
  // The names in dst_ (the temporary files included).
  std::vector<std::string> names() const {
    std::vector<std::string> v;
    std::string ls = slurp_ls();
    for (size_t at = 0, nl; (nl = ls.find('\n', at)) != std::string::npos; at = nl + 1)
      v.push_back(ls.substr(at, nl - at));
    return v;
  }
  std::string slurp_ls() const {
    std::string out = dir_ + "/ls";
    std::system(("ls -A " + shell_quote(dst_) + " > " + shell_quote(out)).c_str());
    return slurp(out);
  }
  static unsigned mode_of(const std::string& p) {
    struct stat st {};
    return stat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
  }
  std::string dst_;
};

const char* kOdd = "it's a $file*";  // a name a shell would mangle unquoted

TEST_F(PutCommand, IntoADirectoryWithItsModeAndNothingElseLeft) {
  std::string data(300000, 'x');
  Outcome r = run_writer(put_command(dst_, kOdd, data.size(), 0640, false, "1-1"), data, dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  std::string target = dst_ + "/" + kOdd;
  EXPECT_EQ(r.out, target + "\n");
  EXPECT_EQ(slurp(target), data);
  EXPECT_EQ(mode_of(target), 0640u);
  EXPECT_EQ(names(), std::vector<std::string>{kOdd});
}

TEST_F(PutCommand, OneFileMayGetAnotherNameAndReplaceAFile) {
  std::string target = dst_ + "/new name.txt";
  Outcome r = run_writer(put_command(target, "a.txt", 5, 0600, true, "1-2"), "hello", dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, target + "\n");
  EXPECT_EQ(slurp(target), "hello");
  r = run_writer(put_command(target, "a.txt", 3, 0644, true, "1-3"), "bye", dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(target), "bye");
  EXPECT_EQ(mode_of(target), 0644u);
  EXPECT_EQ(names(), std::vector<std::string>{"new name.txt"});
}

TEST_F(PutCommand, TheLoginDirectoryIsWhereTheCommandStarts) {
  Outcome r = run_writer(
      "cd " + shell_quote(dst_) + " && " + put_command("", "f", 2, 0644, true, "1-4"), "hi", dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(dst_ + "/f"), "hi");
  EXPECT_EQ(r.out, dst_ + "/f\n");  // the path, for the result line
}

TEST_F(PutCommand, MissingDirectoriesAreNamed) {
  std::string no = dst_ + "/no/such";
  Outcome r = run_writer(put_command(no, "f", 2, 0644, false, "1-5"), "hi", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, no + ": no such directory\n");
  r = run_writer(put_command(no, "f", 2, 0644, true, "1-6"), "hi", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, no + ": no such directory (" + dst_ + "/no does not exist)\n");
  r = run_writer(put_command(dst_ + "/", "f", 2, 0644, true, "1-13"), "hi", dir_);
  EXPECT_EQ(r.status, 0) << "a trailing / is a directory that exists: " << r.err;
}

TEST_F(PutCommand, ATrailingSlashIsAlwaysADirectory) {
  std::string no = dst_ + "/x/";
  Outcome r = run_writer(put_command(no, "f", 2, 0644, true, "1-7"), "hi", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, no + ": no such directory\n");
}

TEST_F(PutCommand, AFileIsNotADirectoryForSeveralFiles) {
  std::string file = dst_ + "/plain";
  fclose(fopen(file.c_str(), "wb"));
  Outcome r = run_writer(put_command(file, "f", 2, 0644, false, "1-8"), "hi", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, file + ": not a directory\n");
}

TEST_F(PutCommand, ATargetThatIsADirectoryIsRefusedBeforeAnyByteIsTaken) {
  ASSERT_EQ(mkdir((dst_ + "/sub").c_str(), 0755), 0);
  Outcome r = run_writer(put_command(dst_, "sub", 2, 0644, false, "1-9"), "hi", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, dst_ + "/sub: is a directory\n");
  EXPECT_EQ(names(), std::vector<std::string>{"sub"});
}

TEST_F(PutCommand, ShortOrLongInputRemovesTheTemporaryFileAndSaysWhy) {
  Outcome r =
      run_writer(put_command(dst_, "f", 1000, 0644, false, "1-10"), std::string(400, 'x'), dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("only 400 of 1000 bytes arrived"), std::string::npos) << r.err;
  EXPECT_TRUE(names().empty());
  r = run_writer(put_command(dst_, "f", 10, 0644, false, "1-11"), std::string(11, 'x'), dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(names().empty());
}

TEST_F(PutCommand, AnExistingTemporaryNameIsNotOursAndStays) {
  std::string theirs = dst_ + "/.f.dust-1-12";
  FILE* f = fopen(theirs.c_str(), "wb");
  fputs("theirs", f);
  fclose(f);
  Outcome r = run_writer(put_command(dst_, "f", 2, 0644, false, "1-12"), "hi", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind(dst_ + ": ", 0), 0u) << r.err;
  EXPECT_EQ(slurp(theirs), "theirs");
  EXPECT_EQ(names(), std::vector<std::string>{".f.dust-1-12"});
}

// fetch_command: the reader of a plain get.
TEST_F(StreamCommand, FetchSendsAHeaderThenTheFile) {
  std::string f = dir_ + "/" + kOdd;
  FILE* w = fopen(f.c_str(), "wb");
  fputs("content", w);
  fclose(w);
  chmod(f.c_str(), 02751);
  Outcome r = run_writer(fetch_command(f), "", dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "-rwxr-s--x 7\ncontent");
  uint32_t mode = 0;
  EXPECT_TRUE(parse_ls_mode("-rwxr-s--x", &mode));
  EXPECT_EQ(mode, 02751u);
}

TEST_F(StreamCommand, FetchSaysWhyAPathIsNoFile) {
  Outcome r = run_writer(fetch_command(dir_ + "/missing"), "", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "no such file or directory\n");
  EXPECT_EQ(r.out, "");
  r = run_writer(fetch_command(dir_), "", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "is a directory (use -r)\n");
  r = run_writer(fetch_command("/dev/null"), "", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "not a regular file\n");
}

TEST(LsMode, SpecialBitsAndRefusals) {
  uint32_t m = 0;
  EXPECT_TRUE(parse_ls_mode("-rwsr-sr-t", &m));
  EXPECT_EQ(m, 07755u);
  EXPECT_TRUE(parse_ls_mode("-rwSr-Sr-T.", &m));  // a trailing ACL/SELinux mark is ignored
  EXPECT_EQ(m, 07644u);
  EXPECT_TRUE(parse_ls_mode("----------", &m));
  EXPECT_EQ(m, 0u);
  EXPECT_FALSE(parse_ls_mode("-rwx", &m));
  EXPECT_FALSE(parse_ls_mode("-rwtr--r--", &m));  // sticky only in the others' column
  EXPECT_FALSE(parse_ls_mode("total 12", &m));
}

TEST(ReceiveWindow, GrowsWithTheRoundTripOnlyOnFarPaths) {
  using std::chrono::milliseconds;
  EXPECT_EQ(receive_window(milliseconds(0), 10), 0u);
  EXPECT_EQ(receive_window(milliseconds(5), 10), 0u);  // libssh's own window carries 256 MB/s
  EXPECT_EQ(receive_window(milliseconds(200), 2), 12800000u);
  EXPECT_EQ(receive_window(milliseconds(2000), 2), kWindowMax);
  // The nodes share a total: 10 far nodes get 6.7 MB each, 100 no more than libssh's own.
  EXPECT_EQ(receive_window(milliseconds(200), 10), (64u << 20) / 10);
  EXPECT_EQ(receive_window(milliseconds(200), 100), 0u);
}

// The batch's remote command (batch.h), fed the tar make_batch_tar writes.
class BatchCommand : public StreamCommand {
 protected:
  std::string tar_of(const std::vector<BatchFile>& files) {
    uint64_t size = 0;
    std::string err;
    int fd = make_batch_tar(files, &size, &err);
    EXPECT_GE(fd, 0) << err;
    std::string out(size, '\0');
    EXPECT_EQ(pread(fd, out.data(), size, 0), static_cast<ssize_t>(size));
    close(fd);
    return out;
  }
  std::vector<BatchFile> files() {
    std::string a = dir_ + "/a.src", b = dir_ + "/b.src";
    for (const auto& p : {a, b}) {
      FILE* f = fopen(p.c_str(), "wb");
      fputs("content", f);
      fclose(f);
    }
    return {{a, "a.txt", 7, 0640}, {b, "b.sh", 7, 0755}};
  }
  static unsigned mode_of(const std::string& p) {
    struct stat st {};
    return stat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
  }
};

TEST_F(BatchCommand, CreatesItsDirectoryWithItsModeAndMovesTheFilesIn) {
  std::string d = dir_ + "/new dir";
  auto fs = files();
  Outcome r = run_writer(batch_command(d, d + "/.dust-stage-1-1", fs, 0751), tar_of(fs), dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(mode_of(d), 0751u);
  EXPECT_EQ(mode_of(d + "/a.txt"), 0640u);
  EXPECT_EQ(mode_of(d + "/b.sh"), 0755u);
  EXPECT_EQ(mode_of(d + "/.dust-stage-1-1"), 0u) << "the staging directory is gone";
}

TEST_F(BatchCommand, AnExistingDirectoryTakesTheModeToo) {
  std::string d = dir_ + "/old";
  ASSERT_EQ(mkdir(d.c_str(), 0700), 0);
  auto fs = files();
  Outcome r = run_writer(batch_command(d, d + "/.dust-stage-1-2", fs, 0755), tar_of(fs), dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(mode_of(d), 0755u);
  EXPECT_EQ(mode_of(d + "/a.txt"), 0640u);
}

TEST_F(BatchCommand, ADirectoryThatCannotBeMadeSaysWhy) {
  std::string d = dir_ + "/no/such/parent";
  auto fs = files();
  Outcome r = run_writer(batch_command(d, d + "/.dust-stage-1-5", fs, 0755), tar_of(fs), dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
}

TEST_F(BatchCommand, WithoutADirectoryModeAMissingDirectoryIsAnError) {
  std::string d = dir_ + "/missing";
  auto fs = files();
  Outcome r = run_writer(batch_command(d, d + "/.dust-stage-1-3", fs), tar_of(fs), dir_);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(mode_of(d), 0u);
}

TEST_F(BatchCommand, AShortStreamLeavesNoFileAndNoStage) {
  std::string d = dir_ + "/cut";
  auto fs = files();
  std::string tar = tar_of(fs);
  Outcome r = run_writer(batch_command(d, d + "/.dust-stage-1-4", fs, 0755),
                         tar.substr(0, tar.size() / 2), dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("did not arrive whole"), std::string::npos) << r.err;
  EXPECT_EQ(mode_of(d + "/a.txt"), 0u);
  EXPECT_EQ(mode_of(d + "/.dust-stage-1-4"), 0u);
  EXPECT_EQ(mode_of(d), 0755u);
}

}  // namespace
}  // namespace dust::transfer
