// EventLoop: fds through epoll, files that epoll refuses, fds without events, timers.
#include "util/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace dust {
namespace {

using namespace std::chrono_literals;

struct Pair {
  int fd[2] = {-1, -1};
  Pair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fd), 0); }
  ~Pair() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
};

TEST(EventLoop, CallsBackOnlyForReadyFds) {
  EventLoop loop;
  Pair a, b;
  int a_calls = 0, b_calls = 0;
  loop.watch(a.fd[0], POLLIN, [&](short ev) { a_calls += (ev & POLLIN) ? 1 : 100; });
  loop.watch(b.fd[0], POLLIN, [&](short) { ++b_calls; });
  ASSERT_EQ(write(a.fd[1], "x", 1), 1);
  loop.run_once(100ms);
  EXPECT_EQ(a_calls, 1);
  EXPECT_EQ(b_calls, 0);
  EXPECT_EQ(loop.watched(), 2u);
}

TEST(EventLoop, RegularFileIsAlwaysReadyAsWithPoll) {
  // A script on stdin is a file, which epoll refuses: it must still be read, without waiting.
  char path[] = "/tmp/dust-loop-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  unlink(path);
  EventLoop loop;
  int calls = 0;
  loop.watch(fd, POLLIN, [&](short ev) { calls += (ev & POLLIN) ? 1 : 100; });
  auto t0 = std::chrono::steady_clock::now();
  loop.run_once(2000ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1000ms);
  EXPECT_EQ(calls, 1);
  loop.set_events(fd, 0);  // paused: no call at all
  loop.run_once(10ms);
  EXPECT_EQ(calls, 1);
  loop.unwatch(fd);
  close(fd);
}

TEST(EventLoop, NoEventsMeansNoCallEvenAfterHangUp) {
  // A paused session's socket whose peer went away must not spin the loop (epoll would report
  // EPOLLHUP for any registered fd, whatever its mask).
  EventLoop loop;
  Pair p;
  int calls = 0;
  loop.watch(p.fd[0], 0, [&](short) { ++calls; });
  close(p.fd[1]), p.fd[1] = -1;
  loop.run_once(10ms);
  EXPECT_EQ(calls, 0);
  loop.set_events(p.fd[0], POLLIN);  // resumed: now the hang-up is seen
  loop.run_once(100ms);
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, UnwatchInsideACallbackStopsTheOther) {
  EventLoop loop;
  Pair a, b;
  int calls = 0;
  loop.watch(a.fd[0], POLLIN, [&](short) { ++calls, loop.unwatch(b.fd[0]); });
  loop.watch(b.fd[0], POLLIN, [&](short) { ++calls, loop.unwatch(a.fd[0]); });
  ASSERT_EQ(write(a.fd[1], "x", 1), 1);
  ASSERT_EQ(write(b.fd[1], "x", 1), 1);
  loop.run_once(100ms);
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, WatchAgainAfterCloseAndReuseOfTheNumber) {
  EventLoop loop;
  int calls = 0;
  {
    Pair p;
    loop.watch(p.fd[0], POLLIN, [&](short) { calls += 100; });
  }        // closed without unwatch: the kernel forgets it
  Pair q;  // likely the same numbers
  loop.watch(q.fd[0], POLLIN, [&](short) { ++calls; });
  ASSERT_EQ(write(q.fd[1], "x", 1), 1);
  loop.run_once(100ms);
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, WaitsForATimerWithoutSpinningInItsLastMillisecond) {
  // A wait shorter than a millisecond was truncated to none: every turn until the timer was due
  // came back at once. Rounded up, a 3 ms timer takes a few turns, not hundreds.
  EventLoop loop;
  bool fired = false;
  for (int round = 0; round < 20; ++round) {
    fired = false;
    loop.after(std::chrono::milliseconds(2 + round % 3), [&] { fired = true; });
    int turns = 0;
    while (!fired && turns < 10000) {
      loop.run_once(100ms);
      ++turns;
    }
    EXPECT_TRUE(fired);
    EXPECT_LE(turns, 4) << "round " << round;
  }
}

TEST(EventLoop, TimersRunInOrderAndCancelFindsAny) {
  EventLoop loop;
  std::string seen;
  auto now = EventLoop::Clock::now();
  loop.add_timer(now + 2ms, [&] { seen += 'b'; });
  auto c = loop.add_timer(now + 1ms, [&] { seen += 'x'; });
  loop.add_timer(now + 1ms, [&] { seen += 'a'; });
  auto d = loop.add_timer(now + 3ms, [&] { seen += 'y'; });
  loop.cancel(c);
  loop.cancel(d);
  loop.cancel(d);      // twice: nothing
  loop.cancel(12345);  // unknown: nothing
  loop.add_timer(now + 4ms, [&] { seen += 'c'; });
  while (seen.size() < 3) loop.run_once(20ms);
  EXPECT_EQ(seen, "abc");
}

TEST(EventLoop, TimerCancelledByAnEarlierDueTimerDoesNotRun) {
  EventLoop loop;
  int ran = 0;
  auto now = EventLoop::Clock::now();
  EventLoop::TimerId second = 0;
  loop.add_timer(now, [&] { loop.cancel(second); });
  second = loop.add_timer(now, [&] { ++ran; });
  std::this_thread::sleep_for(2ms);
  loop.run_once(0ms);
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace dust
