// EventLoop implementation.
#include "util/event_loop.h"

#include <poll.h>

#include <cerrno>
#include <vector>

namespace dust {

void EventLoop::watch(int fd, short events, FdCallback cb) {
  fds_[fd] = Watch{events, std::move(cb)};
}

void EventLoop::set_events(int fd, short events) {
  if (auto it = fds_.find(fd); it != fds_.end()) it->second.events = events;
}

void EventLoop::unwatch(int fd) { fds_.erase(fd); }

EventLoop::TimerId EventLoop::add_timer(Clock::time_point when, std::function<void()> cb) {
  TimerId id = next_timer_++;
  timers_.emplace(when, std::make_pair(id, std::move(cb)));
  return id;
}

void EventLoop::cancel(TimerId id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it)
    if (it->second.first == id) {
      timers_.erase(it);
      return;
    }
}

bool EventLoop::run_once(std::chrono::milliseconds max_wait) {
  auto now = Clock::now();
  auto wait = max_wait;
  if (!timers_.empty()) {
    auto until =
        std::chrono::duration_cast<std::chrono::milliseconds>(timers_.begin()->first - now);
    if (until < wait)
      wait = until < std::chrono::milliseconds(0) ? std::chrono::milliseconds(0) : until;
  }
  std::vector<pollfd> pfds;
  pfds.reserve(fds_.size());
  for (auto& [fd, w] : fds_)
    if (w.events) pfds.push_back(pollfd{fd, w.events, 0});
  int n = poll(pfds.data(), pfds.size(), static_cast<int>(wait.count()));
  if (n < 0 && errno == EINTR) {
    if (after_turn_) after_turn_();
    return false;
  }
  for (auto& p : pfds) {
    if (!p.revents) continue;
    auto it = fds_.find(p.fd);
    if (it == fds_.end()) continue;  // unwatched by an earlier callback
    FdCallback cb = it->second.cb;   // copy: the callback may unwatch itself
    cb(p.revents);
  }
  now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto cb = std::move(timers_.begin()->second.second);
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
