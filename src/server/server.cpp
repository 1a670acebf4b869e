// Server: clients, the line queue, each line served for its client (server.h, docs/server.md).
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

#include "shell/completion.h"
#include "shell/context.h"
#include "shell/dispatch.h"
#include "shell/quit.h"
#include "shell/sessions.h"
#include "shell/transcript.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::server {
namespace {

// While it lives, log lines go to the running line's client (its Err frames) at the level that
// client asked for; then the server's own level and log file again.
class LogToClient {
 public:
  LogToClient(shell::Context& ctx, const std::string& level) {
    log::Level l;
    if (level.empty() || !log::parse_level(level, &l)) return;
    active_ = true;
    saved_ = log::level();
    log::set_level(l);
    log::set_writer([&ctx](const std::string& line) { ctx.out().err(line); });
  }
  ~LogToClient() {
    if (!active_) return;
    log::set_writer(nullptr);
    log::set_level(saved_);
  }
  LogToClient(const LogToClient&) = delete;
  LogToClient& operator=(const LogToClient&) = delete;

 private:
  bool active_ = false;
  log::Level saved_ = log::Level::Info;
};

constexpr size_t kLowMark = 256u << 10;  // a backlogged client's nodes go on under this
// An attached client that reads nothing while notices and background output pile up for it (they
// have no single node to pause) is let go past this: its memory is not the server's to lose.
constexpr size_t kStalledClient = 64u << 20;

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
      idle_timeout_s_(idle_timeout_s) {
  ctx_.out().set_sink(this);
  ctx_.set_attachments(this);
  ctx_.loop().watch(listen_fd_, POLLIN, [this](short) { accept_clients(); });
  log_line(fmt::format("started (pid {})", getpid()));
}

Server::~Server() {
  if (listen_fd_ >= 0) {
    ctx_.loop().unwatch(listen_fd_);
    close(listen_fd_);
    if (!socket_path_.empty()) unlink(socket_path_.c_str());
  }
  ctx_.set_client(nullptr);
  for (auto& [id, c] : clients_) {
    ctx_.loop().unwatch(c->fd);
    close(c->fd);
  }
  clients_.clear();
  ctx_.out().set_sink(nullptr);
  ctx_.set_attachments(nullptr);
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

std::string Server::what_would_end() const {
  std::string s;
  if (size_t n = attached_count())
    s = fmt::format("{} dust client{} attached", n, n == 1 ? " is" : "s are");
  std::vector<std::string> busy = ctx_.sessions().busy_nodes();
  if (!busy.empty())
    s += fmt::format("{}commands still run on {}", s.empty() ? "" : "; ", fold_names(busy));
  return s;
}

size_t Server::attached_count() const {
  size_t n = 0;
  for (const auto& [id, c] : clients_) n += attached(*c) ? 1 : 0;
  return n;
}

void Server::accept_clients() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        // Out of descriptors: the pending client stays queued in the kernel. Stop watching the
        // socket for a moment instead of spinning on a readiness we cannot act on.
        log_line("out of file descriptors: new clients wait");
        ctx_.loop().unwatch(listen_fd_);
        ctx_.loop().after(std::chrono::milliseconds(200), [this] {
          if (listen_fd_ >= 0)
            ctx_.loop().watch(listen_fd_, POLLIN, [this](short) { accept_clients(); });
        });
      }
      return;
    }
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
    // A client that sends faster than its lines run is read no further until they have.
    if (c->in.buffered() > kMaxPayload + kHeader) return;
    ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return drop(id, "");
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      return drop(id, "");
    }
    c->in.feed(std::string_view(buf, static_cast<size_t>(n)));
    for (;;) {
      Frame f;
      std::string why;
      auto st = c->in.next(&f, &why);
      if (st == FrameReader::Status::More) break;
      if (st == FrameReader::Status::Malformed)
        return refuse_client(id, "malformed message: " + why);
      try {
        handle(*c, f);
      } catch (const Error& e) {
        return refuse_client(id, e.what());
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
      if (busy_ && current_ != c.id)  // nothing waits silently
        send(c, Type::Err,
             "dust: waiting for another dust client's line to finish (the server runs one line "
             "at a time)\n");
      c.state = State::Queued;
      queue_.push_back({c.id, f.type, std::move(f.payload)});
      pump();
      return;
    case Type::Interrupt:
      if (current_ == c.id) kill(getpid(), SIGINT);  // a Ctrl-C of this line
      return;
    case Type::Winch:
      if (c.io) c.io->resized(decode_size(f.payload));
      return;
    case Type::Input:
      if (c.io) c.io->typed(f.payload);
      return;
    case Type::Answer:
      c.answer = decode_answer(f.payload);
      return;
    case Type::Stdin:
      if (c.hello->kind != ClientKind::Command)
        throw Error("stdin from a client that is no one-shot");
      if (c.io) c.io->set_stdin(std::move(f.payload));
      return;
    case Type::Complete: {
      CompleteRequest r = decode_complete(f.payload);
      shell::Candidates cands;
      ctx_.set_client(c.io.get());
      try {
        cands = shell::candidates(ctx_, r.before, r.text);
      } catch (const Error&) {
      }
      ctx_.set_client(current_ ? find(current_)->io.get() : nullptr);
      send(c, Type::Completions, encode_completions({cands.matches, cands.files}));
      return;
    }
    case Type::Kill:
      if (f.payload == "?") {  // what would end: kill-server asks before it ends people's work
        send(c, Type::Err, what_would_end() + "\n");  // one line, never empty (empty: not sent)
        return;
      }
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
  c.state = State::Idle;
  c.io = std::make_unique<RemoteClient>(*this, c.id, h.client);
  if (h.kind != ClientKind::Interactive) return;
  // A person attaching again goes on where the last one left (same AWS identity only).
  if (last_working_ && last_working_->first == c.io->env().identity_key()) {
    c.working = last_working_->second;
    c.last = last_results_;
  }
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
  shell::Context::WorkingSet mine = ctx_.take_working_set();
  ctx_.set_client(c.io.get());
  ctx_.set_working_set(c.working);
  std::string prompt = ctx_.prompt();
  c.working = ctx_.take_working_set();
  ctx_.set_client(nullptr);
  ctx_.set_working_set(std::move(mine));
  send(c, Type::Done, encode_done({0, prompt, false, "", std::nullopt}));
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
  if (c.fd < 0) return;
  if (c.out.size() > kStalledClient && c.hello && c.hello->kind != ClientKind::Command) {
    uint64_t id = c.id;
    ctx_.loop().after(std::chrono::milliseconds(0), [this, id] {
      drop(id, fmt::format("it read nothing of {} MiB of output", kStalledClient >> 20));
    });
    return;
  }
  if (!c.lines.empty()) c.out += encode(Type::Out, std::exchange(c.lines, {}));  // in order
  if (!payload.empty() || (t != Type::Out && t != Type::Err)) c.out += encode(t, payload);
  if (c.out.size() > high_mark(c)) throttle(c);
  if (later && c.out.size() < 256 * 1024)
    dirty_.insert(c.id);
  else
    write_out(c);
}

void Server::send_to(uint64_t id, Type t, std::string_view payload) {
  if (Client* c = find(id)) send(*c, t, payload);
}

size_t Server::high_mark(const Client& c) {
  return c.hello && c.hello->kind == ClientKind::Interactive ? kInteractiveHighMark : kHighMark;
}

void Server::throttle(Client& c) {
  bool over = c.out.size() > high_mark(c);
  if (over) {
    for (const auto& [key, owner] : owner_)
      if (owner == c.id && c.paused.insert(key).second) ctx_.sessions().pool().backlog(key, true);
  } else if (c.out.size() < kLowMark && !c.paused.empty()) {
    for (const auto& key : std::exchange(c.paused, {})) ctx_.sessions().pool().backlog(key, false);
  }
}

void Server::write_out(Client& c) {
  if (c.fd < 0) {  // gone; its line still runs
    c.out.clear();
    return;
  }
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
  if (!c.paused.empty()) throttle(c);
  if (c.out.empty() && c.closing) {
    uint64_t id = c.id;
    ctx_.loop().after(std::chrono::milliseconds(0), [this, id] { drop(id, ""); });
    return;
  }
  ctx_.loop().set_events(c.fd, c.out.empty() ? POLLIN : POLLIN | POLLOUT);
}

void Server::refuse_client(uint64_t id, const std::string& why) {
  // Said to the client too, not only logged: a dust that sent something wrong tells its user why.
  if (Client* c = find(id); c && c->fd >= 0) {
    std::string bye = encode(Type::Bye, "the dust server dropped this client: " + why + "\n");
    (void)!::send(c->fd, bye.data(), bye.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  drop(id, why);
}

void Server::drop(uint64_t id, const std::string& why) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  if (c.fd < 0) {  // already gone, kept while its line ran
    if (current_ != id) clients_.erase(it);
    return;
  }
  if (!why.empty()) log_line(fmt::format("dropped client {}: {}", id, why));
  ctx_.loop().unwatch(c.fd);
  close(c.fd);
  for (const auto& key : std::exchange(c.paused, {})) ctx_.sessions().pool().backlog(key, false);
  if (c.io && c.io->raw()) c.io->typed("");  // its raw session ends: the remote program gets SIGHUP
  if (current_ == id) {
    // Its line still runs: from now on a question is cancelled, raw mode ends, a wait stops early
    // through abandoned(), and its output goes nowhere. The client object lives until the line
    // is over (the shell holds its ClientIo).
    abandoned_ = true;
    c.closing = true;
    c.fd = -1;
    c.out.clear();
    for (auto q = queue_.begin(); q != queue_.end();)
      q = q->client == id ? queue_.erase(q) : std::next(q);
    return;
  }
  if (last_line_from_ == id) last_line_from_ = 0;
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
  c->state = State::Running;
  abandoned_ = false;
  detach_ = false;
  // The line is served for its client: its environment, directory, terminal facts and working
  // set; the server's own are set aside meanwhile (docs/server.md).
  shell::Context::WorkingSet mine = ctx_.take_working_set();
  ctx_.set_client(c->io.get());
  ctx_.set_working_set(std::move(c->working));
  if (!c->last) c->last = std::make_shared<shell::Sessions::LastCommand>();
  auto my_last = ctx_.sessions().swap_last(c->last);
  ctx_.set_request(
      h.kind == ClientKind::Interactive ? shell::Mode::Interactive : shell::Mode::OneShot, h.json,
      h.yes);
  ctx_.sessions().set_colour(h.client.colour);  // `[node]` coloured only where it wants
  ctx_.quit_requested = false;
  interrupt::reset();
  interrupt::drain();
  int status = 0;
  // Decided before the line runs (sending it ends the node's prompt): see Sessions::may_remember.
  bool secret = r.type != Type::Eof && !ctx_.sessions().may_remember(r.line);
  {
    shell::Terminal::Hold held = ctx_.terminal().hold();
    // `dust --loglevel debug …` through the server: the line's log goes to its client.
    LogToClient logs(ctx_, h.loglevel);
    if (r.type == Type::Eof) {
      if (shell::confirm_quit(ctx_)) ctx_.quit_requested = true;
    } else {
      status = shell::execute_line(ctx_, r.line);
    }
  }
  ctx_.out().flush();
  c = find(r.client);
  std::optional<std::string> local = c ? c->io->take_local() : std::nullopt;
  std::optional<std::string> new_cwd = c ? c->io->take_cwd() : std::nullopt;
  std::string prompt = ctx_.prompt();
  shell::Context::WorkingSet theirs = ctx_.take_working_set();
  ctx_.set_client(nullptr);
  ctx_.set_working_set(std::move(mine));
  ctx_.sessions().swap_last(my_last);
  bool end_server = false;
  Done d{status, prompt, false, "", local, secret, new_cwd};
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
  if (h.kind == ClientKind::Interactive && c) {
    last_working_.emplace(c->io->env().identity_key(), theirs);
    last_results_ = c->last;
  }
  ctx_.quit_requested = false;
  current_ = 0;
  busy_ = false;
  abandoned_ = false;
  if (c && c->fd < 0) {  // it went away while the line ran
    clients_.erase(r.client);
    c = nullptr;
  }
  if (c) {
    c->working = std::move(theirs);
    c->state = State::Idle;
    send(*c, Type::Done, encode_done(d));
    if (d.leave) c->closing = true, write_out(*c);
  }
  if (end_server) shutdown("the dust server ended (exit in another client)", r.client);
}

std::optional<std::string> Server::ask(uint64_t id, const std::string& question, bool secret) {
  Client* c = find(id);
  if (!c || c->closing || c->fd < 0) return std::nullopt;
  c->answer.reset();
  // A question outside any line (a sudo prompt after the line returned) holds the queue.
  bool held = !busy_;
  busy_ = true;
  send(*c, Type::Ask, encode_ask({question, secret}));
  ctx_.loop().run_until(
      [&] {
        Client* now = find(id);
        return !now || now->fd < 0 || now->answer.has_value() || stop_;
      },
      std::chrono::milliseconds(100));
  if (held) {
    busy_ = false;
    pump();
  }
  c = find(id);
  if (!c || !c->answer) return std::nullopt;
  std::optional<std::string> a = std::move(*c->answer);
  c->answer.reset();
  return a;
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
