// Tests for the sanitiser: what passes to a terminal, what is shown escaped, what a file gets.
#include "util/sanitise.h"

#include <gtest/gtest.h>

namespace dust::util {
namespace {

TEST(Sanitise, NamesShowEveryControlEscaped) {
  EXPECT_EQ(escape_controls("web-1"), "web-1");
  EXPECT_EQ(escape_controls("h\xc3\xa9llo"), "h\xc3\xa9llo");
  EXPECT_EQ(escape_controls("\x1b]0;pwned\x07x"), "\\x1b]0;pwned\\x07x");
  EXPECT_EQ(escape_controls("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");  // not even colour
  EXPECT_EQ(escape_controls("a\tb\nc\rd"), "a\\x09b\\x0ac\\x0dd");
  EXPECT_EQ(escape_controls("\xc2\x9b"
                            "2J"),
            "\\xc2\\x9b2J");  // C1 CSI
  EXPECT_EQ(escape_controls("\x7f\xff"), "\\x7f\\xff");
  EXPECT_EQ(escape_controls(std::string("a\0b", 3)), "a\\x00b");
}

TEST(Sanitise, TerminalLetsOnlyPlainColourPass) {
  EXPECT_EQ(terminal_line("\x1b[01;34mdir\x1b[0m"), "\x1b[01;34mdir\x1b[0m");
  EXPECT_EQ(terminal_line("\x1b[mx\x1b[38;5;208my\x1b[48;2;1;2;3mz"),
            "\x1b[mx\x1b[38;5;208my\x1b[48;2;1;2;3mz");
  EXPECT_EQ(terminal_line("\x1b[01;31m\x1b[Kmatch\x1b[m\x1b[K"), "\x1b[01;31mmatch\x1b[m");
  EXPECT_EQ(terminal_line("x\x1b[2Ky\x1b[1K"), "xy");
  EXPECT_EQ(terminal_line("x\x1b[3K"), "x\\x1b[3K");
  // Not colour: conceal, blink, reverse, private, sub-parameters, out of range, intermediates.
  EXPECT_EQ(terminal_line("\x1b[8mhidden"), "\\x1b[8mhidden");
  EXPECT_EQ(terminal_line("\x1b[5m"), "\\x1b[5m");
  EXPECT_EQ(terminal_line("\x1b[?1049m"), "\\x1b[?1049m");
  EXPECT_EQ(terminal_line("\x1b[38:2:1:2:3m"), "\\x1b[38:2:1:2:3m");
  EXPECT_EQ(terminal_line("\x1b[38;5;256m"), "\\x1b[38;5;256m");
  EXPECT_EQ(terminal_line("\x1b[38;5m"), "\\x1b[38;5m");
  EXPECT_EQ(terminal_line("\x1b[1 m"), "\\x1b[1 m");
  EXPECT_EQ(terminal_line("\x1b[0000031m"), "\\x1b[0000031m");
  // Cursor moves, erase screen, titles, OSC 52 clipboard, DCS: shown, not acted on.
  EXPECT_EQ(terminal_line("x\x1b[2Jy\x1b[10;1H"), "x\\x1b[2Jy\\x1b[10;1H");
  EXPECT_EQ(terminal_line("\x1b]0;title\x07ok"), "\\x1b]0;title\\x07ok");
  EXPECT_EQ(terminal_line("\x1b]52;c;cm0gLXJmIH4=\x1b\\"), "\\x1b]52;c;cm0gLXJmIH4=\\x1b\\");
  EXPECT_EQ(terminal_line("\x1bP1$r\x1b\\"), "\\x1bP1$r\\x1b\\");
  EXPECT_EQ(terminal_line("\x07\x1b"), "\\x07\\x1b");
  EXPECT_EQ(terminal_line("\x1b["), "\\x1b[");
  EXPECT_EQ(terminal_line("plain\ttext"), "plain\ttext");
  EXPECT_EQ(terminal_line("\xff\xfe\xc3\xc0\xaf"), "\\xff\\xfe\\xc3\\xc0\\xaf");
}

TEST(Sanitise, TerminalShowsTextAfterTheLastCarriageReturn) {
  EXPECT_EQ(terminal_line("10%\r50%\rdone"), "done");
  // A CR that ends the line (CR LF endings) shows the text, as a terminal does.
  EXPECT_EQ(terminal_line("trailing\r"), "trailing");
  EXPECT_EQ(terminal_line("10%\r50%\r"), "50%");
  EXPECT_EQ(terminal_line("\r\r"), "");
}

TEST(Sanitise, FileKeepsTextBeforeCarriageReturnAndNoColour) {
  EXPECT_EQ(file_line("rm -rf /\rls   "), "rm -rf /\\rls   ");
  EXPECT_EQ(file_line("\x1b[31mred\x1b[0m \x1b[8mx"), "red \\x1b[8mx");
  EXPECT_EQ(file_line("\x1b]0;t\x07"), "\\x1b]0;t\\x07");
}

TEST(Sanitise, StripSgrLeavesEscapedTextAlone) {
  std::string shown = terminal_line("\x1b[1;32mok\x1b[0m \x1b[8mhid");
  EXPECT_EQ(strip_sgr(shown), "ok \\x1b[8mhid");
}

TEST(Sanitise, PlainSgr) {
  EXPECT_TRUE(is_plain_sgr(""));
  EXPECT_TRUE(is_plain_sgr("0"));
  EXPECT_TRUE(is_plain_sgr("1;4;22;24;39;49;97;107"));
  EXPECT_FALSE(is_plain_sgr("7"));
  EXPECT_FALSE(is_plain_sgr("8"));
  EXPECT_FALSE(is_plain_sgr("1;8"));
  EXPECT_FALSE(is_plain_sgr("?25"));
  EXPECT_FALSE(is_plain_sgr("38;2;1;2"));
  EXPECT_FALSE(is_plain_sgr(std::string(100, ';')));
}

TEST(Sanitise, LongHostileInputIsLinear) {
  // 1 MB of ESC [ with parameters and no final byte, and 1 MB of \001: one pass each.
  std::string s;
  for (int i = 0; i < 100000; ++i) s += "\x1b[1;2;3;";
  EXPECT_EQ(terminal_line(s).size(), s.size() + 3 * 100000);
  std::string ones(1 << 20, '\x01');
  EXPECT_EQ(file_line(ones).size(), 4u << 20);
}

}  // namespace
}  // namespace dust::util
