#include "util/suggest.h"

#include <gtest/gtest.h>

namespace dust::util {

TEST(Suggest, EditDistanceCountsASwapAsOne) {
  EXPECT_EQ(edit_distance("show", "show"), 0u);
  EXPECT_EQ(edit_distance("shwo", "show"), 1u);
  EXPECT_EQ(edit_distance("us-esat-1", "us-east-1"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Suggest, ClosestWithinASmallDistance) {
  std::vector<std::string> regions{"us-east-1", "us-east-2", "eu-west-1"};
  EXPECT_EQ(closest("us-esat-1", regions), "us-east-1");
  EXPECT_EQ(closest("eu-wset-1", regions), "eu-west-1");
  EXPECT_EQ(closest("nosuch", regions), "");
  EXPECT_EQ(closest("x", {"y"}), "");  // one letter: never
  EXPECT_EQ(closest("shw", {"show"}), "show");
  EXPECT_EQ(closest("sh", {"show"}), "");  // short words: one edit only
}

}  // namespace dust::util
