#include "shell/tag_args.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace dust::shell {

TEST(TagArgs, Pairs) {
  auto p = parse_tag_pairs("env=dev,team=a=b,empty=");
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"env", "dev"}));
  EXPECT_EQ(p[1], (std::pair<std::string, std::string>{"team", "a=b"}));
  EXPECT_EQ(p[2], (std::pair<std::string, std::string>{"empty", ""}));
}

TEST(TagArgs, RefusesAwsKeysAndMalformed) {
  EXPECT_THROW(parse_tag_pairs("aws:cloudformation:stack-name=x"), Error);
  EXPECT_THROW(parse_tag_pairs("novalue"), Error);
  EXPECT_THROW(parse_tag_pairs("=v"), Error);
  EXPECT_THROW(parse_tag_keys("aws:x"), Error);
  EXPECT_THROW(parse_tag_keys("k=v"), Error);
  EXPECT_EQ(parse_tag_keys("a,b"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace dust::shell
