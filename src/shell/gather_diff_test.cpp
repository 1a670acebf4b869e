#include "shell/gather_diff.h"

#include <gtest/gtest.h>

#include <random>

namespace dust::shell {
namespace {

using Lines = std::vector<std::string>;

// Applies an edit script to `a`, checking it against `b` on the way: every Equal really is equal
// and the script consumes both sides in order.
Lines apply(const Lines& a, const Lines& b, const std::vector<LineEdit>& e) {
  Lines out;
  size_t ai = 0, bi = 0;
  for (const auto& x : e) {
    switch (x.op) {
      case LineEdit::Op::Equal:
        EXPECT_EQ(x.a, ai);
        EXPECT_EQ(x.b, bi);
        EXPECT_EQ(a[x.a], b[x.b]);
        out.push_back(a[ai]), ++ai, ++bi;
        break;
      case LineEdit::Op::Delete:
        EXPECT_EQ(x.a, ai);
        ++ai;
        break;
      case LineEdit::Op::Insert:
        EXPECT_EQ(x.b, bi);
        out.push_back(b[bi]), ++bi;
        break;
    }
  }
  EXPECT_EQ(ai, a.size());
  EXPECT_EQ(bi, b.size());
  return out;
}

size_t changes(const std::vector<LineEdit>& e) {
  size_t n = 0;
  for (const auto& x : e) n += x.op != LineEdit::Op::Equal;
  return n;
}

TEST(GatherDiff, IdenticalAndEmpty) {
  EXPECT_EQ(unified_diff({}, {}).value(), Lines{});
  EXPECT_EQ(unified_diff({"a", "b"}, {"a", "b"}).value(), Lines{});
  EXPECT_EQ(unified_diff({}, {"x"}).value(), (Lines{"@@ -0,0 +1,1 @@", "+x"}));
  EXPECT_EQ(unified_diff({"x"}, {}).value(), (Lines{"@@ -1,1 +0,0 @@", "-x"}));
}

TEST(GatherDiff, OneChangedLineInTwentyIsOneSmallHunk) {
  Lines a, b;
  for (int i = 1; i <= 20; ++i) a.push_back("line " + std::to_string(i));
  b = a;
  b[9] = "line 10 changed";
  EXPECT_EQ(unified_diff(a, b).value(),
            (Lines{"@@ -7,7 +7,7 @@", " line 7", " line 8", " line 9", "-line 10",
                   "+line 10 changed", " line 11", " line 12", " line 13"}));
}

TEST(GatherDiff, DistantChangesMakeTwoHunksCloseOnesOne) {
  Lines a;
  for (int i = 1; i <= 30; ++i) a.push_back(std::to_string(i));
  Lines b = a;
  b[1] = "two";
  b[27] = "twenty-eight";
  auto d = unified_diff(a, b).value();
  ASSERT_EQ(d.size(), 2u + 2 * 2 + 3 + 1 + 3 + 2);  // 2 headers, 2×(-/+), context 1+3 and 3+2
  EXPECT_EQ(d[0], "@@ -1,5 +1,5 @@");
  EXPECT_EQ(d[7], "@@ -25,6 +25,6 @@");
  b = a;
  b[5] = "x", b[11] = "y";  // 5 equal lines between: within 2·3, one hunk
  d = unified_diff(a, b).value();
  EXPECT_EQ(d[0], "@@ -3,13 +3,13 @@");
  EXPECT_EQ(std::count_if(d.begin(), d.end(), [](auto& l) { return l.rfind("@@", 0) == 0; }), 1);
}

TEST(GatherDiff, InsertionsAndDeletionsKeepOrder) {
  Lines a{"a", "b", "c", "d"}, b{"x", "a", "c", "d", "y"};
  auto e = diff_lines(a, b).value();
  EXPECT_EQ(apply(a, b, e), b);
  EXPECT_EQ(changes(e), 3u);  // +x, -b, +y
  EXPECT_EQ(unified_diff(a, b).value(),
            (Lines{"@@ -1,4 +1,5 @@", "+x", " a", "-b", " c", " d", "+y"}));
}

TEST(GatherDiff, RandomInputsGiveValidMinimalScripts) {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    Lines a, b;
    int na = static_cast<int>(rng() % 12), nb = static_cast<int>(rng() % 12);
    for (int i = 0; i < na; ++i) a.push_back(std::string(1, static_cast<char>('a' + rng() % 3)));
    for (int i = 0; i < nb; ++i) b.push_back(std::string(1, static_cast<char>('a' + rng() % 3)));
    auto e = diff_lines(a, b).value();
    EXPECT_EQ(apply(a, b, e), b);
    // Minimal: deletions + insertions = |a| + |b| - 2·LCS, LCS by dynamic programming.
    std::vector<std::vector<size_t>> L(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
    for (size_t i = a.size(); i-- > 0;)
      for (size_t j = b.size(); j-- > 0;)
        L[i][j] = a[i] == b[j] ? L[i + 1][j + 1] + 1 : std::max(L[i + 1][j], L[i][j + 1]);
    EXPECT_EQ(changes(e), a.size() + b.size() - 2 * L[0][0]);
  }
}

TEST(GatherDiff, TooManyChangesGivesUp) {
  Lines a, b;
  for (int i = 0; i < 100; ++i)
    a.push_back("a" + std::to_string(i)), b.push_back("b" + std::to_string(i));
  EXPECT_FALSE(diff_lines(a, b, 50).has_value());
  EXPECT_FALSE(unified_diff(a, b, 3, 50).has_value());
  EXPECT_EQ(changes(diff_lines(a, b, 200).value()), 200u);
}

}  // namespace
}  // namespace dust::shell
