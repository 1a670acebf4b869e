#include "util/paths.h"

#include <gtest/gtest.h>
#include <stdlib.h>

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

}  // namespace dust
