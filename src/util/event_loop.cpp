// EventLoop implementation.
#include "util/event_loop.h"

#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace dust {

EventLoop::EventLoop() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epfd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
}

EventLoop::~EventLoop() {
  if (epfd_ >= 0) close(epfd_);
}

void EventLoop::apply(int fd, Watch& w) {
  always_ready_.erase(fd);
  if (w.events == 0) {
    if (w.in_epoll) epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    w.in_epoll = false;
    return;
  }
  epoll_event ev{};
  ev.events = static_cast<uint32_t>(w.events);  // POLLIN/POLLOUT/POLLPRI equal their EPOLL twins
  ev.data.fd = fd;
  if (w.in_epoll && epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0) return;
  // Not registered (or the fd was closed and reused since): add it afresh.
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0 ||
      (errno == EEXIST && epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0)) {
    w.in_epoll = true;
    return;
  }
  w.in_epoll = false;
  if (errno == EPERM) always_ready_.insert(fd);  // a regular file or /dev/null
}

void EventLoop::watch(int fd, short events, FdCallback cb) {
  Watch& w = fds_[fd];
  w.events = events;
  w.cb = std::move(cb);
  apply(fd, w);
}

void EventLoop::set_events(int fd, short events) {
  auto it = fds_.find(fd);
  if (it == fds_.end() || it->second.events == events) return;
  it->second.events = events;
  apply(fd, it->second);
}

void EventLoop::unwatch(int fd) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return;
  if (it->second.in_epoll) epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);  // closed already: fine
  always_ready_.erase(fd);
  fds_.erase(it);
}

EventLoop::TimerId EventLoop::add_timer(Clock::time_point when, std::function<void()> cb) {
  TimerId id = next_timer_++;
  timer_index_[id] = timers_.emplace(when, std::make_pair(id, std::move(cb)));
  return id;
}

void EventLoop::cancel(TimerId id) {
  auto it = timer_index_.find(id);
  if (it == timer_index_.end()) return;
  timers_.erase(it->second);
  timer_index_.erase(it);
}

bool EventLoop::run_once(std::chrono::milliseconds max_wait) {
  auto now = Clock::now();
  auto wait = max_wait;
  if (!timers_.empty()) {
    // Rounded up: a timer 0.7 ms away truncated to a 0 ms wait, and the loop spun until it was
    // due (a 10 ms handshake tick made some 4,000 empty turns a second).
    auto until = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first - now);
    if (until < wait)
      wait = until < std::chrono::milliseconds(0) ? std::chrono::milliseconds(0) : until;
  }
  if (!always_ready_.empty()) wait = std::chrono::milliseconds(0);
  std::array<epoll_event, 256> events;
  int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()),
                     static_cast<int>(wait.count()));
  if (n < 0 && errno == EINTR) {
    if (after_turn_) after_turn_();
    return false;
  }
  std::vector<std::pair<int, short>> ready;
  ready.reserve(static_cast<size_t>(std::max(n, 0)) + always_ready_.size());
  for (int i = 0; i < n; ++i) {
    int fd = events[i].data.fd;  // epoll_event is packed: copy its fields out
    auto revents = static_cast<short>(events[i].events & 0xffff);
    ready.emplace_back(fd, revents);
  }
  for (int fd : always_ready_)
    if (auto it = fds_.find(fd); it != fds_.end())
      ready.emplace_back(fd, static_cast<short>(it->second.events & (POLLIN | POLLOUT)));
  for (auto [fd, revents] : ready) {
    auto it = fds_.find(fd);
    if (it == fds_.end() || it->second.events == 0) continue;  // unwatched by an earlier callback
    FdCallback cb = it->second.cb;                             // copy: it may unwatch itself
    cb(revents);
  }
  now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto cb = std::move(timers_.begin()->second.second);
    timer_index_.erase(timers_.begin()->second.first);
    timers_.erase(timers_.begin());
    cb();
  }
  if (after_turn_) after_turn_();
  return true;
}

void EventLoop::run_until(const std::function<bool()>& done, std::chrono::milliseconds tick) {
  while (!done()) run_once(tick);
}

}  // namespace dust
