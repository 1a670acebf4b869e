// Jumps: one JumpHost per chain prefix (`a`, then `a,b` through it), all on one I/O thread of
// their own, and the parsing of a ProxyJump hop. The jump connection is jump_host.cpp; a node's
// tunnel through it jump_tunnel.cpp.
#include "ssh/jump.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "ssh/jump_detail.h"
#include "util/log.h"

namespace dust::ssh {

using namespace std::chrono_literals;
using jump_detail::close_fd;

bool parse_hop(const std::string& hop, std::string* user, std::string* host, int* port) {
  std::string rest = hop;
  if (rest.rfind("ssh://", 0) == 0) rest.erase(0, 6);
  user->clear();
  *port = 0;
  if (size_t at = rest.rfind('@'); at != std::string::npos) {
    *user = rest.substr(0, at);
    rest.erase(0, at + 1);
    if (user->empty()) return false;
  }
  std::string p;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) return false;
    *host = rest.substr(1, close - 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return false;
      p = after.substr(1);
      if (p.empty()) return false;
    }
  } else if (size_t colon = rest.find(':'); colon != std::string::npos) {
    *host = rest.substr(0, colon);
    p = rest.substr(colon + 1);
    if (p.empty()) return false;
  } else {
    *host = rest;
  }
  if (host->empty() || host->find_first_of(" \t/") != std::string::npos) return false;
  if (!p.empty()) {
    if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
    *port = std::stoi(p);
    if (*port < 1 || *port > 65535) return false;
  }
  return true;
}

Jumps::Jumps(EventLoop& main, const Options& opt) : main_(main), opt_(opt) {}

Jumps::~Jumps() {
  if (!thread_.joinable()) return;
  stop_ = true;
  char c = 0;
  (void)!::write(to_io_[1], &c, 1);
  thread_.join();
  main_.unwatch(to_main_[0]);
  for (int* p : {to_io_, to_main_}) close_fd(p[0]), close_fd(p[1]);
}

void Jumps::start() {
  if (thread_.joinable()) return;
  if (pipe2(to_io_, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2(to_main_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error(fmt::format("jump hosts: pipe: {}", std::strerror(errno)));
  main_.watch(to_main_[0], POLLIN, [this](short) { on_main_wake(); });
  // Signals stay with the main thread (Ctrl-C, SIGWINCH, SIGCONT have their handlers there).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void Jumps::run() {
  io_ = std::make_unique<EventLoop>();
  io_->watch(to_io_[0], POLLIN, [this](short) {
    char buf[256];
    while (::read(to_io_[0], buf, sizeof buf) > 0) {
    }
    std::vector<Request> reqs;
    {
      std::lock_guard<std::mutex> lock(mu_);
      reqs.swap(requests_);
    }
    for (auto& r : reqs) {
      if (r.chain.empty()) {
        hosts_.clear();
        retired_.clear();
        continue;
      }
      std::vector<std::string> hops;
      size_t start = 0;
      for (;;) {
        size_t comma = r.chain.find(',', start);
        std::string h = r.chain.substr(start, comma == std::string::npos ? comma : comma - start);
        h.erase(0, h.find_first_not_of(" \t"));
        h.erase(h.find_last_not_of(" \t") + 1);
        hops.push_back(h);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      hop(hops, hops.size())->adopt(std::move(r.tunnel));
    }
  });
  io_->set_after_turn([this] {
    int n = 0;
    for (const auto& [k, h] : hosts_)
      if (h && h->ready()) ++n;
    connected_ = n;
  });
  while (!stop_) io_->run_once(std::chrono::milliseconds(500));
  hosts_.clear();
  retired_.clear();
  io_.reset();
}

void Jumps::post_main(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for_main_.push_back(std::move(fn));
  }
  char c = 0;
  (void)!::write(to_main_[1], &c, 1);
}

void Jumps::on_main_wake() {
  char buf[256];
  while (::read(to_main_[0], buf, sizeof buf) > 0) {
  }
  std::vector<std::function<void()>> fns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fns.swap(for_main_);
  }
  for (auto& f : fns) f();
}

std::shared_ptr<Tunnel> Jumps::open(const std::string& chain, const std::string& host, int port) {
  start();
  std::string last = chain.substr(chain.rfind(',') == std::string::npos ? 0 : chain.rfind(',') + 1);
  std::shared_ptr<Tunnel> t(new Tunnel(last, host, port));
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
    t->state_ = Tunnel::State::Closed;
    std::string why = fmt::format("jump host {}: socketpair: {}", last, std::strerror(errno));
    main_.after(0ms, [t, why] {
      if (auto f = std::exchange(t->on_error, nullptr)) f(why);
    });
    return t;
  }
  t->local_fd_ = sv[0];
  t->node_fd_ = sv[1];
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({chain, t});
  }
  char c = 0;
  (void)!::write(to_io_[1], &c, 1);
  return t;
}

JumpHost* Jumps::hop(const std::vector<std::string>& hops, size_t n) {
  std::string key;
  for (size_t i = 0; i < n; ++i) key += (i ? "," : "") + hops[i];
  auto& slot = hosts_[key];
  if (slot && !slot->failed()) return slot.get();
  JumpHost* via = n > 1 ? hop(hops, n - 1) : nullptr;
  if (slot) retired_.push_back(std::move(slot));
  slot = std::make_unique<JumpHost>(
      *io_, opt_, [this](std::function<void()> fn) { post_main(std::move(fn)); }, key, hops[n - 1],
      via);
  return slot.get();
}

void Jumps::close_all() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({"", nullptr});
  }
  char c = 0;
  (void)!::write(to_io_[1], &c, 1);
}

}  // namespace dust::ssh
