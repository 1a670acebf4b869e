// Tests for UTF-8 validation.
#include "util/utf8.h"

#include <gtest/gtest.h>

namespace dust::util {
namespace {

TEST(Utf8, AcceptsValidText) {
  EXPECT_EQ(first_invalid_utf8(""), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("plain ascii\n"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            std::string_view::npos);
}

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_EQ(first_invalid_utf8("nam\x8d\x9a"
                               "e"),
            3u);                                          // stray continuation bytes
  EXPECT_EQ(first_invalid_utf8("ab\xc3"), 2u);            // truncated at the end
  EXPECT_EQ(first_invalid_utf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("x\xed\xa0\x80"), 1u);     // surrogate U+D800
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(first_invalid_utf8("ok\xff"), 2u);
}

}  // namespace
}  // namespace dust::util
