// Tests for line splitting, partial lines, the line bound and printable().
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

TEST(Printable, KeepsTextUtf8AndColours) {
  EXPECT_EQ(printable("plain\ttext"), "plain\ttext");
  EXPECT_EQ(printable("h\xc3\xa9llo \xe2\x9c\x93"), "h\xc3\xa9llo \xe2\x9c\x93");
  EXPECT_EQ(printable("\x1b[01;34mdir\x1b[0m"), "\x1b[01;34mdir\x1b[0m");
}

TEST(Printable, EscapesBinaryAndDropsControlSequences) {
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable("\xc3"), "\\xc3");             // truncated sequence
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");    // overlong '/'
  EXPECT_EQ(printable("x\x1b[2Ky"), "xy");           // erase-line dropped
  EXPECT_EQ(printable("\x1b]0;title\x07ok"), "ok");  // window title dropped
  EXPECT_EQ(printable("\x07\x1b"), "\\x07\\x1b");
  EXPECT_EQ(printable("10%\r50%\rdone"), "done");
}

}  // namespace dust::ssh
