// Tests for the shell protocol reader: markers across every chunk split, status, false markers.
#include "ssh/prompt_scanner.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace dust::ssh {

namespace {

struct Result {
  std::string text;  // output with each marker rendered as <status>
  std::vector<int> statuses;
};

Result run(PromptScanner& s, const std::vector<std::string>& chunks) {
  Result r;
  for (const auto& c : chunks)
    s.feed(
        c, [&](std::string_view d) { r.text.append(d); },
        [&](int st) {
          r.statuses.push_back(st);
          r.text += "<" + std::to_string(st) + ">";
        });
  return r;
}

const std::string N =
    "\x1e"
    "DuSt0123456789abcdef";

}  // namespace

TEST(PromptScanner, NonceShapeAndSetupLine) {
  std::string n = make_nonce();
  EXPECT_EQ(n.size(), N.size());
  EXPECT_EQ(n[0], '\x1e');
  EXPECT_NE(n, make_nonce());
  std::string line = shell_setup_line(n);
  EXPECT_NE(line.find(n.substr(1)), std::string::npos);
  EXPECT_EQ(line.find('\x1e'), std::string::npos);   // produced remotely by printf
  EXPECT_NE(line.find("'$?:'"), std::string::npos);  // expanded at prompt time
  EXPECT_EQ(line.back(), '\n');
  // Non-canonical input (no 4,095-byte line limit) and PS2 as a marker (incomplete commands).
  EXPECT_NE(line.find("-icanon"), std::string::npos);
  EXPECT_NE(
      line.find(fmt::format("echo {} || echo {}):", kZshContinuationStatus, kContinuationStatus)),
      std::string::npos);
  EXPECT_LT(line.size(), 1024u);  // well within the canonical line limit it is sent under
  EXPECT_TRUE(is_continuation_status(998) && is_continuation_status(999) &&
              !is_continuation_status(255));
}

// Runs `script` with sh and returns what it printed.
std::string sh(const std::string& script) {
  std::string path = "/tmp/dust-guard-test-" + std::to_string(getpid());
  FILE* f = fopen(path.c_str(), "w");
  fputs(script.c_str(), f);
  fclose(f);
  FILE* r = popen(("sh " + path + " </dev/null 2>&1").c_str(), "r");
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, r)) > 0) out.append(buf, n);
  pclose(r);
  unlink(path.c_str());
  return out;
}

TEST(PromptScanner, AGuardedLineRunsOnlyWhereTheSetupLineRan) {
  // The setup line sets PS1 to the marker: the line runs, in this shell, with its own status.
  std::string ps1 = "PS1=\"$(printf '\\036')" + N.substr(1) + ":\"'$?:'\n";
  std::string line = guarded_line(N, "cd /tmp; X=set; (exit 3) # a comment");
  EXPECT_EQ(sh(ps1 + line + "\necho \"$? $X $(pwd)\"\n"), "3 set /tmp\n");
  // An rc file ate the setup line: PS1 is the user's, and the line does nothing.
  EXPECT_EQ(sh("PS1='$ '\n" + line + "\necho \"$? [$X]\"\n"), "0 []\n");
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);  // one continuation prompt expected
}

TEST(PromptScanner, EveryChunkSplit) {
  std::string stream =
      "hello\r\nworld\r\n" + N + ":0:" + "partial no newline" + N + ":127:" + N + ":3:";
  std::string expected = "hello\r\nworld\r\n<0>partial no newline<127><3>";
  for (size_t a = 0; a <= stream.size(); ++a)
    for (size_t b = a; b <= stream.size(); b += 3) {
      PromptScanner s(N);
      Result r = run(s, {stream.substr(0, a), stream.substr(a, b - a), stream.substr(b)});
      ASSERT_EQ(r.text, expected) << a << "," << b;
      ASSERT_TRUE(s.held().empty());
    }
  PromptScanner s(N);
  std::vector<std::string> bytes;
  for (char c : stream) bytes.push_back(std::string(1, c));
  EXPECT_EQ(run(s, bytes).text, expected);
}

TEST(PromptScanner, HoldsOnlyPossibleMarkerPrefix) {
  PromptScanner s(N);
  Result r = run(s, {"Continue? [Y/n] "});
  EXPECT_EQ(r.text, "Continue? [Y/n] ");  // nothing held back: the prompt shows at once
  r = run(s, {"abc" + N.substr(0, 5)});
  EXPECT_EQ(r.text, "abc");
  EXPECT_EQ(s.held(), N.substr(0, 5));
  r = run(s, {"X"});  // not a marker after all
  EXPECT_EQ(r.text, N.substr(0, 5) + "X");
}

TEST(PromptScanner, MalformedMarkersAreText) {
  PromptScanner s(N);
  Result r = run(s, {N + ":x:" + "y" + N + ":1234:" + N + "::" + N + ":2:"});
  EXPECT_EQ(r.statuses, std::vector<int>{2});
  EXPECT_EQ(r.text, N + ":x:y" + N + ":1234:" + N + "::<2>");
  // Another session's nonce is just text.
  PromptScanner t(N);
  std::string other =
      "\x1e"
      "DuStffffffffffffffff:0:";
  EXPECT_EQ(run(t, {other}).text, other);
}

}  // namespace dust::ssh
