// Tests for OutputThrottle: everything shown when not summarising; exact flood counts; no cut
// lines.
#include "ssh/output_throttle.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <vector>

namespace dust::ssh {

namespace {
using Clock = OutputThrottle::Clock;
using namespace std::chrono_literals;

struct Sink {
  std::vector<std::string> lines, notices;
  OutputThrottle::LineFn line() {
    return [this](std::string_view l) { lines.emplace_back(l); };
  }
  OutputThrottle::NoticeFn notice() {
    return [this](const std::string& m) { notices.push_back(m); };
  }
  uint64_t summarised() const {
    std::smatch m;
    static const std::regex rx(R"((\d+) lines \(.* MB\) of output not shown)");
    for (const auto& n : notices)
      if (std::regex_search(n, m, rx)) return std::stoull(m[1]);
    return 0;
  }
};

// `count` numbered lines ("1\n2\n…"), fed in random chunk sizes as a channel would deliver them.
void feed_numbers(OutputThrottle& t, Sink& s, int count, Clock::time_point now, unsigned seed) {
  std::string all;
  for (int i = 1; i <= count; ++i) all += std::to_string(i) + "\n";
  std::mt19937 g(seed);
  for (size_t at = 0; at < all.size();) {
    size_t n = std::min<size_t>(all.size() - at, 1 + g() % 20000);
    t.feed(std::string_view(all).substr(at, n), now, s.line(), s.notice());
    at += n;
    now += 1ms;
  }
}
}  // namespace

TEST(OutputThrottle, NotSummarisingShowsEveryLine) {
  OutputThrottle t({.summarise = false, .burst_bytes = 100, .rate_bytes_per_s = 1});
  Sink s;
  feed_numbers(t, s, 200000, Clock::now(), 1);
  t.end_command(Clock::now(), s.line(), s.notice());
  ASSERT_EQ(s.lines.size(), 200000u);
  for (int i = 0; i < 200000; ++i) ASSERT_EQ(s.lines[i], std::to_string(i + 1));
  EXPECT_TRUE(s.notices.empty());
}

TEST(OutputThrottle, FloodCountIsExactAndNoLineIsCut) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    OutputThrottle t({.summarise = true, .burst_bytes = 64 * 1000, .rate_bytes_per_s = 64 * 1000});
    Sink s;
    feed_numbers(t, s, 300000, Clock::now(), seed);
    t.end_command(Clock::now() + 10s, s.line(), s.notice());
    uint64_t dropped = s.summarised();
    EXPECT_GT(dropped, 0u);
    EXPECT_EQ(s.lines.size() + dropped, 300000u) << "seed " << seed;
    // Every shown line is whole: a number, in increasing order.
    long prev = 0;
    for (const auto& l : s.lines) {
      ASSERT_FALSE(l.empty());
      long v = std::stol(l);
      ASSERT_EQ(std::to_string(v), l);
      ASSERT_GT(v, prev);
      prev = v;
    }
  }
}

TEST(OutputThrottle, UnterminatedLastLineIsCountedOrShown) {
  OutputThrottle t({.summarise = true, .burst_bytes = 64 * 10, .rate_bytes_per_s = 1});
  Sink s;
  auto now = Clock::now();
  std::string flood;
  for (int i = 0; i < 100; ++i) flood += "y\n";
  t.feed(flood, now, s.line(), s.notice());
  t.feed(std::string(50000, 'x'), now, s.line(), s.notice());  // dropped in bulk, mid-line
  t.feed("tail", now, s.line(), s.notice());
  t.end_command(now, s.line(), s.notice());
  EXPECT_EQ(s.lines.size() + s.summarised(), 101u);
  // The next command starts afresh once the bucket has refilled.
  s = Sink{};
  t.feed("after\n", now + 1000s, s.line(), s.notice());
  t.end_command(now + 1000s, s.line(), s.notice());
  EXPECT_EQ(s.lines, std::vector<std::string>{"after"});
  EXPECT_TRUE(s.notices.empty());
}

}  // namespace dust::ssh
