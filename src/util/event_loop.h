// One loop for the whole program: the REPL's stdin, every ssh session's socket and all timers.
// Components register fds and timers; nobody else blocks (mosh-style single loop). epoll(7) keeps
// a turn's cost proportional to the fds that are ready, not to all watched (500 sessions: a turn
// that polled every socket for each reply made a warm `@* cmd` quadratic in the node count).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace dust {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using FdCallback = std::function<void(short revents)>;
  using TimerId = uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Watch fd for `events` (POLLIN/POLLOUT); replaces an earlier watch of the same fd. An fd with no
  // events is not watched at all (no POLLHUP either) until set_events gives it some.
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
  using Timers = std::multimap<Clock::time_point, std::pair<TimerId, std::function<void()>>>;
  struct Watch {
    short events = 0;
    FdCallback cb;
    bool in_epoll = false;  // registered with the kernel (events != 0 and epoll takes the fd)
  };
  void apply(int fd, Watch& w);  // brings the kernel's interest in fd in line with w.events

  int epfd_ = -1;
  std::unordered_map<int, Watch> fds_;
  // Regular files and /dev/null (a script on stdin) cannot be epolled: like poll(2), they are
  // always ready for what they are watched for.
  std::set<int> always_ready_;
  Timers timers_;
  std::unordered_map<TimerId, Timers::iterator> timer_index_;  // cancel without a scan
  TimerId next_timer_ = 1;
  std::function<void()> after_turn_;
};

}  // namespace dust
