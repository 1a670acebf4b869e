#include "util/paths.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

namespace dust {

TEST(Paths, ExpandUserUsesHome) {
  setenv("HOME", "/tmp/h", 1);
  EXPECT_EQ(paths::expand_user("~/x/y"), "/tmp/h/x/y");
  EXPECT_EQ(paths::expand_user("~"), "/tmp/h");
  EXPECT_EQ(paths::expand_user("/abs"), "/abs");
}

TEST(Paths, DustHomeDefaultsUnderHome) {
  setenv("HOME", "/tmp/h", 1);
  unsetenv("DUST_HOME");
  EXPECT_EQ(paths::dust_home(), "/tmp/h/.dustcluster");
  setenv("DUST_HOME", "~/d", 1);
  EXPECT_EQ(paths::dust_home(), "/tmp/h/d");
  unsetenv("DUST_HOME");
}

TEST(Paths, AbsoluteAndCanonical) {
  setenv("HOME", "/tmp/h", 1);
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(paths::absolute("~/x/"), "/tmp/h/x");
  EXPECT_EQ(paths::absolute("/a/b//"), "/a/b");
  EXPECT_EQ(paths::absolute("rel/f"), std::string(cwd) + "/rel/f");
  EXPECT_EQ(paths::absolute("/"), "/");
  // canonical resolves what exists (. and .. and links) and leaves the rest absolute.
  EXPECT_EQ(paths::canonical("/tmp/../tmp/./"), "/tmp");
  EXPECT_EQ(paths::canonical("/no/such/dust/path"), "/no/such/dust/path");
}

}  // namespace dust
