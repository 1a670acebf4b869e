// One poll(2) loop for the whole program: the REPL's stdin, every ssh session's socket and all
// timers. Components register fds and timers; nobody else blocks (mosh-style single select loop).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

namespace dust {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using FdCallback = std::function<void(short revents)>;
  using TimerId = uint64_t;

  // Watch fd for `events` (POLLIN/POLLOUT); replaces an earlier watch of the same fd.
  void watch(int fd, short events, FdCallback cb);
  void set_events(int fd, short events);  // change the mask of a watched fd
  void unwatch(int fd);

  TimerId add_timer(Clock::time_point when, std::function<void()> cb);
  TimerId after(std::chrono::milliseconds d, std::function<void()> cb) {
    return add_timer(Clock::now() + d, std::move(cb));
  }
  void cancel(TimerId id);

  // Waits at most max_wait for activity, runs due callbacks. Returns false if interrupted by a
  // signal (EINTR) so callers can check their flags.
  bool run_once(std::chrono::milliseconds max_wait);
  // Runs until done() is true (checked after every iteration).
  void run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds tick = std::chrono::milliseconds(200));

  size_t watched() const { return fds_.size(); }

  // Runs at the end of every turn, after the fd callbacks and timers (output batching flushes
  // here).
  void set_after_turn(std::function<void()> fn) { after_turn_ = std::move(fn); }

 private:
  struct Watch {
    short events;
    FdCallback cb;
  };
  std::unordered_map<int, Watch> fds_;
  std::multimap<Clock::time_point, std::pair<TimerId, std::function<void()>>> timers_;
  TimerId next_timer_ = 1;
  std::function<void()> after_turn_;
};

}  // namespace dust
