// Tests for the atomic file writer.
#include "util/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "util/error.h"

namespace dust::util {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "dust-atomic-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(AtomicFile, WritesAndReplaces) {
  TempDir d;
  std::string p = (d.path / "f.yaml").string();
  write_file_atomic(p, "one\n");
  EXPECT_EQ(read_file(p), "one\n");
  write_file_atomic(p, "two\n", 0600);
  EXPECT_EQ(read_file(p), "two\n");
  struct stat st {};
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temp files left behind.
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(d.path)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, MissingDirectoryIsAnErrorNamingThePath) {
  TempDir d;
  std::string p = (d.path / "nodir" / "f.yaml").string();
  try {
    write_file_atomic(p, "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_file(p), Error);
}

}  // namespace
}  // namespace dust::util
