// Server: clients, the line queue, borrowing a client's fds while its line runs (server.h).
#include "server/server.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "server/fd_passing.h"
#include "shell/completion.h"
#include "shell/context.h"
#include "shell/dispatch.h"
#include "shell/quit.h"
#include "shell/sessions.h"
#include "shell/transcript.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/paths.h"

namespace dust::server {
namespace {

constexpr size_t kClientBacklog = 16u << 20;  // output held for a client that does not read

void log_line(const std::string& text) {
  std::fprintf(stderr, "%s dust server: %s\n",
               fmt::format("{:%FT%T}", fmt::localtime(time(nullptr))).c_str(), text.c_str());
  std::fflush(stderr);
}

}  // namespace

Server::Server(shell::Context& ctx, int listen_fd, std::string socket_path, int idle_timeout_s)
    : ctx_(ctx),
      listen_fd_(listen_fd),
      socket_path_(std::move(socket_path)),
      devnull_(open("/dev/null", O_RDWR | O_CLOEXEC)),
      idle_timeout_s_(idle_timeout_s) {
  for (int fd = 0; fd <= 2; ++fd) own_fds_[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ctx_.out().set_sink(this);
  ctx_.set_attachments(this);
  ctx_.terminal().set_served(true);
  ctx_.loop().watch(listen_fd_, POLLIN, [this](short) { accept_clients(); });
  log_line(fmt::format("started (pid {})", getpid()));
}

Server::~Server() {
  if (listen_fd_ >= 0) {
    ctx_.loop().unwatch(listen_fd_);
    close(listen_fd_);
    if (!socket_path_.empty()) unlink(socket_path_.c_str());
  }
  for (auto& [id, c] : clients_) {
    ctx_.loop().unwatch(c->fd);
    close(c->fd);
    for (int fd : c->fds) close(fd);
  }
  clients_.clear();
  ctx_.out().set_sink(nullptr);
  ctx_.set_attachments(nullptr);
  if (devnull_ >= 0) close(devnull_);
  for (int fd : own_fds_)
    if (fd >= 0) close(fd);
}

void Server::give_back() {
  for (int fd = 0; fd <= 2; ++fd) dup2(own_fds_[fd] >= 0 ? own_fds_[fd] : devnull_, fd);
}

void Server::run() {
  while (!stop_) {
    ctx_.loop().run_once(std::chrono::milliseconds(1000));
    check_idle();
  }
  log_line("ended");
}

Server::Client* Server::find(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

bool Server::attached(const Client& c) const {
  return c.hello && c.hello->kind == ClientKind::Interactive && !c.closing;
}

size_t Server::attached_count() const {
  size_t n = 0;
  for (const auto& [id, c] : clients_) n += attached(*c) ? 1 : 0;
  return n;
}

void Server::accept_clients() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != geteuid()) {
      log_line(fmt::format("refused a client of uid {} (pid {}): only uid {} may connect", cred.uid,
                           cred.pid, geteuid()));
      close(fd);
      continue;
    }
    auto c = std::make_unique<Client>();
    c->id = next_id_++;
    c->fd = fd;
    uint64_t id = c->id;
    clients_[id] = std::move(c);
    ctx_.loop().watch(fd, POLLIN, [this, id](short ev) { on_io(id, ev); });
  }
}

void Server::on_io(uint64_t id, short revents) {
  Client* c = find(id);
  if (!c) return;
  if (revents & POLLOUT) write_out(*c);
  if (!(revents & (POLLIN | POLLHUP | POLLERR))) return;
  char buf[65536];
  for (;;) {
    c = find(id);
    if (!c) return;
    ssize_t n = recv_with_fds(c->fd, buf, sizeof buf, &c->fds);
    if (n == 0) return drop(id, "");
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      return drop(id, "");
    }
    if (c->fds.size() > 3) {
      for (size_t i = 3; i < c->fds.size(); ++i) close(c->fds[i]);
      c->fds.resize(3);
    }
    c->in.feed(std::string_view(buf, static_cast<size_t>(n)));
    for (;;) {
      Frame f;
      std::string why;
      auto st = c->in.next(&f, &why);
      if (st == FrameReader::Status::More) break;
      if (st == FrameReader::Status::Malformed) return drop(id, "malformed message: " + why);
      try {
        handle(*c, f);
      } catch (const Error& e) {
        return drop(id, e.what());
      }
      c = find(id);
      if (!c) return;
    }
  }
}

void Server::handle(Client& c, Frame& f) {
  if (f.type == Type::Hello) return on_hello(c, f);
  if (!c.hello) throw Error("a message before hello");
  switch (f.type) {
    case Type::Line:
    case Type::Eof:
      if (c.hello->kind == ClientKind::Control) throw Error("a control client sent a line");
      queue_.push_back({c.id, f.type, std::move(f.payload)});
      pump();
      return;
    case Type::Interrupt:
      if (current_ == c.id) kill(getpid(), SIGINT);  // counted as a Ctrl-C of this process
      return;
    case Type::Winch:
      if (current_ == c.id)
        kill(getpid(), SIGWINCH);  // raw mode reads the borrowed terminal's size
      return;
    case Type::Complete: {
      CompleteRequest r = decode_complete(f.payload);
      shell::Candidates cands;
      try {
        cands = shell::candidates(ctx_, r.before, r.text);
      } catch (const Error&) {
      }
      send(c, Type::Completions, encode_completions({cands.matches, cands.files}));
      return;
    }
    case Type::Lent:
      lent_ = c.id;
      return;
    case Type::Kill:
      log_line("kill-server");
      shutdown("the dust server was ended (kill-server)");
      return;
    default:
      throw Error(fmt::format("unexpected message type {}", static_cast<int>(f.type)));
  }
}

void Server::on_hello(Client& c, const Frame& f) {
  if (c.hello) throw Error("a second hello");
  Hello h = decode_hello(f.payload);
  if (h.kind != ClientKind::Control && c.fds.size() != 3)
    throw Error(fmt::format("hello with {} file descriptors (3 expected)", c.fds.size()));
  if (h.version != DUST_VERSION && h.kind != ClientKind::Control) {
    send(c, Type::Bye,
         fmt::format("the dust server runs version {}, this dust is {}: run 'dust kill-server' "
                     "first\n",
                     DUST_VERSION, h.version));
    c.closing = true;
    return;
  }
  if (std::string why = conflict(h.settings); !why.empty() && h.kind != ClientKind::Control) {
    send(c, Type::Bye, why);
    c.closing = true;
    return;
  }
  c.hello = h;
  if (h.kind != ClientKind::Interactive) return;
  std::string welcome;
  if (ever_attached_)
    welcome =
        fmt::format("attached to the dust server (pid {}); `detach` leaves it running\n", getpid());
  if (!detached_.empty()) {
    welcome += "---- output while detached (again with `replay`) ----\n" + detached_.text({}) +
               "---- end of output while detached ----\n";
    detached_.mark_shown();
  }
  ever_attached_ = true;
  if (!welcome.empty()) send(c, Type::Err, welcome);
  send(c, Type::Done, encode_done({0, ctx_.prompt(), false, ""}));
}

std::string Server::conflict(const Settings& asked) {
  auto refuse = [](const char* what, const std::string& mine, const std::string& theirs) {
    return fmt::format(
        "the dust server (pid {}) runs with {} {}, this dust asks for {}: leave {} out to use the "
        "server's sessions, or run 'dust kill-server' first\n",
        getpid(), what, mine, theirs, what);
  };
  // Without -F the server reads ~/.ssh/config: a client naming that file asks for the same.
  const std::string& config = ctx_.config().ssh_config;
  if (!asked.ssh_config.empty() &&
      paths::canonical(asked.ssh_config) !=
          paths::canonical(config.empty() ? paths::join(paths::home(), ".ssh/config") : config))
    return refuse("-F", config.empty() ? "~/.ssh/config" : config, asked.ssh_config);
  std::string dir = shell::log_dir(ctx_);
  if (!asked.log_dir.empty() && (asked.log_dir == "off" ? !dir.empty() : asked.log_dir != dir))
    return refuse("--log-dir", dir.empty() ? "no log dir" : dir, asked.log_dir);
  return "";
}

void Server::send(Client& c, Type t, std::string_view payload, bool later) {
  if ((t == Type::Out || t == Type::Err) && c.out.size() + payload.size() > kClientBacklog) {
    c.dropped += payload.size();
    return;
  }
  if (c.dropped > 0 && (t == Type::Out || t == Type::Err)) {
    c.out += encode(Type::Err, fmt::format("[dust: {} bytes of output dropped: this client did not "
                                           "read them]\n",
                                           c.dropped));
    c.dropped = 0;
  }
  c.out += encode(t, payload);
  if (later && c.out.size() < 256 * 1024)
    dirty_.insert(c.id);
  else
    write_out(c);
}

void Server::write_out(Client& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      c.out.clear();
      c.closing = true;
      break;
    }
    c.out.erase(0, static_cast<size_t>(n));
  }
  if (c.out.empty() && c.closing) {
    uint64_t id = c.id;
    ctx_.loop().after(std::chrono::milliseconds(0), [this, id] { drop(id, ""); });
    return;
  }
  ctx_.loop().set_events(c.fd, c.out.empty() ? POLLIN : POLLIN | POLLOUT);
}

void Server::drop(uint64_t id, const std::string& why) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  if (!why.empty()) log_line(fmt::format("dropped client {}: {}", id, why));
  ctx_.loop().unwatch(c.fd);
  close(c.fd);
  for (int fd : c.fds) close(fd);
  if (current_ == id) {
    // Its line still runs: from now on it reads end of input and writes nowhere (a question is
    // cancelled, raw mode ends, a wait stops early through abandoned()).
    abandoned_ = true;
    for (int fd = 0; fd <= 1; ++fd) dup2(devnull_, fd);
    dup2(own_fds_[2] >= 0 ? own_fds_[2] : devnull_, 2);
  }
  for (auto q = queue_.begin(); q != queue_.end();)
    q = q->client == id ? queue_.erase(q) : std::next(q);
  clients_.erase(it);
}

void Server::pump() {
  if (busy_ || pump_armed_ || queue_.empty() || stop_) return;
  pump_armed_ = true;
  ctx_.loop().after(std::chrono::milliseconds(0), [this] {
    pump_armed_ = false;
    if (busy_ || queue_.empty() || stop_) return;
    Request r = std::move(queue_.front());
    queue_.pop_front();
    execute(r);
    pump();
  });
}

void Server::execute(const Request& r) {
  Client* c = find(r.client);
  if (!c || c->closing) return;
  const Hello h = *c->hello;
  if (h.kind == ClientKind::Interactive) last_line_from_ = c->id;
  busy_ = true;
  current_ = c->id;
  abandoned_ = false;
  detach_ = false;
  if (!h.cwd.empty() && chdir(h.cwd.c_str()) != 0)
    send(*c, Type::Err,
         fmt::format("dust: cannot use the directory {}: {}\n", h.cwd, std::strerror(errno)));
  for (int fd = 0; fd <= 2; ++fd) dup2(c->fds[fd], fd);
  ctx_.set_request(
      h.kind == ClientKind::Interactive ? shell::Mode::Interactive : shell::Mode::OneShot, h.json,
      h.yes);
  ctx_.sessions().set_colour(h.colour);  // `[node]` coloured only where this client wants it
  ctx_.quit_requested = false;
  interrupt::reset();
  interrupt::drain();
  int status = 0;
  // Decided before the line runs (sending it ends the node's prompt): see Sessions::may_remember.
  bool secret = r.type != Type::Eof && !ctx_.sessions().may_remember(r.line);
  {
    shell::Terminal::Hold held = ctx_.terminal().hold();
    if (r.type == Type::Eof) {
      if (shell::confirm_quit(ctx_)) ctx_.quit_requested = true;
    } else {
      status = shell::execute_line(ctx_, r.line);
    }
  }
  ctx_.out().flush();
  give_back();
  if (chdir("/") != 0) {
  }
  bool end_server = false;
  Done d{status, ctx_.prompt(), false, "", secret};
  c = find(r.client);
  if (c && ctx_.quit_requested && h.kind == ClientKind::Interactive) {
    d.leave = true;
    size_t others = attached_count() - 1;
    if (others == 0)
      end_server = true;
    else
      d.why = fmt::format("left; the dust server goes on for {} other attached client{}\n", others,
                          others == 1 ? "" : "s");
  }
  if (c && detach_) {
    d.leave = true;
    d.why = fmt::format(
        "detached: the dust server (pid {}) keeps the sessions; `dust` attaches again\n", getpid());
  }
  ctx_.quit_requested = false;
  current_ = 0;
  busy_ = false;
  abandoned_ = false;
  if (c) {
    send(*c, Type::Done, encode_done(d));
    if (d.leave) c->closing = true, write_out(*c);
  }
  if (end_server) shutdown("the dust server ended (exit in another client)", r.client);
}

void Server::shutdown(const std::string& why, uint64_t leaving) {
  // No new client from now on: the next dust starts a new server (which waits for our lock).
  if (listen_fd_ >= 0) {
    ctx_.loop().unwatch(listen_fd_);
    close(listen_fd_);
    listen_fd_ = -1;
    if (!socket_path_.empty()) unlink(socket_path_.c_str());
  }
  for (auto& [id, c] : clients_) {
    if (id == current_ || id == leaving) continue;
    send(*c, Type::Bye, why + "\n");
  }
  // Best effort: what is left for each client goes now, waiting a moment at most.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (auto& [id, c] : clients_) {
    while (!c->out.empty() && std::chrono::steady_clock::now() < deadline) {
      pollfd p{c->fd, POLLOUT, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      ssize_t n = ::send(c->fd, c->out.data(), c->out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n <= 0) break;
      c->out.erase(0, static_cast<size_t>(n));
    }
  }
  stop_ = true;
  if (busy_) {  // a line still runs (kill-server meanwhile): its waits end
    kill(getpid(), SIGINT);
    kill(getpid(), SIGINT);
  }
}

void Server::check_idle() {
  bool idle = clients_.empty() && queue_.empty() && !busy_ && ctx_.sessions().busy_nodes().empty();
  if (!idle) {
    idle_since_.reset();
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (!idle_since_) idle_since_ = now;
  if (idle_timeout_s_ > 0 && now - *idle_since_ >= std::chrono::seconds(idle_timeout_s_)) {
    log_line(fmt::format("idle for {} s with no client: ending", idle_timeout_s_));
    shutdown("idle");
  }
}

}  // namespace dust::server
