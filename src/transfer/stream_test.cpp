// Unit tests for the remote writer of a streamed put (stream_command), run by a local /bin/sh the
// way a node's login shell runs it: a complete upload stays, a short or failed one removes itself.
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

namespace dust::transfer {
namespace {

struct Outcome {
  int status;
  std::string err;
};

// Pipes `input` into `command` (run by sh -c, as sshd runs an exec request); returns its exit
// status and stderr.
Outcome run_writer(const std::string& command, const std::string& input, const std::string& dir) {
  std::string in = dir + "/stdin", err = dir + "/stderr";
  FILE* f = fopen(in.c_str(), "wb");
  fwrite(input.data(), 1, input.size(), f);
  fclose(f);
  int rc = std::system(("/bin/sh -c " + shell_quote(command) + " < " + in + " 2> " + err).c_str());
  Outcome r{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, {}};
  if (FILE* e = fopen(err.c_str(), "rb")) {
    char b[512];
    size_t n;
    while ((n = fread(b, 1, sizeof b, e)) > 0) r.err.append(b, n);
    fclose(e);
  }
  return r;
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

TEST_F(StreamCommand, CompleteUploadStays) {
  std::string data(300000, 'x');
  Outcome r = run_writer(stream_command(tmp_, data.size()), data, dir_);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(size(), static_cast<off_t>(data.size()));
}

TEST_F(StreamCommand, ShortInputRemovesTheFileAndSaysWhy) {
  // The connection dropped or the upload was cancelled: stdin ends before `size` bytes.
  Outcome r = run_writer(stream_command(tmp_, 1000), std::string(400, 'x'), dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_FALSE(exists());
  EXPECT_NE(r.err.find("only 400 of 1000 bytes arrived"), std::string::npos) << r.err;
}

TEST_F(StreamCommand, LongerInputIsAnErrorToo) {
  Outcome r = run_writer(stream_command(tmp_, 10), std::string(11, 'x'), dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_FALSE(exists());
}

TEST_F(StreamCommand, UnwritableFileFailsAndLeavesNothing) {
  std::string gone = dir_ + "/no/such/dir/.f.dust-1-2";
  Outcome r = run_writer(stream_command(gone, 5), "hello", dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;
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
