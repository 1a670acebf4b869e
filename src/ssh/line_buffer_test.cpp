// Tests for line splitting, partial lines, the line bound (printable text: util/sanitise_test.cpp).
#include "ssh/line_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace dust::ssh {

namespace {
std::vector<std::string> feed(LineBuffer& b, std::initializer_list<std::string> chunks) {
  std::vector<std::string> out;
  for (const auto& c : chunks) b.feed(c, [&](std::string_view l) { out.emplace_back(l); });
  return out;
}
}  // namespace

TEST(LineBuffer, SplitsLinesAcrossChunks) {
  LineBuffer b;
  auto l = feed(b, {"one\r\ntw", "o\r", "\nthree\n\nfo"});
  EXPECT_EQ(l, (std::vector<std::string>{"one", "two", "three", ""}));
  EXPECT_TRUE(b.has_partial());
  EXPECT_EQ(b.take_partial(), "fo");
  EXPECT_FALSE(b.has_partial());
}

TEST(LineBuffer, LongLinesAreCut) {
  LineBuffer b(10);
  auto l = feed(b, {std::string(25, 'a'), "bb\n"});
  EXPECT_EQ(l, (std::vector<std::string>{std::string(10, 'a'), std::string(10, 'a'), "aaaaabb"}));
  l = feed(b, {std::string(10, 'c'), "\n"});
  EXPECT_EQ(l, (std::vector<std::string>{std::string(10, 'c')}));
  // Memory stays bounded whatever arrives without a newline.
  LineBuffer c(100);
  size_t n = 0;
  for (int i = 0; i < 1000; ++i)
    c.feed(std::string(77, 'x'), [&](std::string_view v) { n += v.size(); });
  EXPECT_EQ(n + c.take_partial().size(), 77000u);
}

}  // namespace dust::ssh
