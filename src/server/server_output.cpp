// Server: where output goes, and what the shell asks of it (server.h, shell/attachments.h).
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <utility>

#include "server/server.h"
#include "shell/context.h"
#include "util/error.h"

namespace dust::server {
namespace {

// To the running client's own stdout/stderr (borrowed as fds 1 and 2).
void write_fd(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        poll(&p, 1, 100);
        continue;
      }
      return;  // gone: dropped as a closed pipe would be
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void Server::write(Stream s, std::string_view text) {
  if (current_ && !abandoned_) {
    flush();
    write_fd(s == Stream::Err ? STDERR_FILENO : STDOUT_FILENO, text);
    return;
  }
  broadcast(s == Stream::Err ? Type::Err : Type::Out, text, "");
}

void Server::node_line(const std::string& key, std::string_view line) {
  auto it = owner_.find(key);
  uint64_t owner = it == owner_.end() ? 0 : it->second;
  if (owner != 0 && owner == current_ && !abandoned_) {
    direct_.append(line);
    if (direct_.size() >= 64 * 1024) flush();
    return;
  }
  if (Client* c = owner ? find(owner) : nullptr; c && attached(*c)) {
    send(*c, Type::Out, line, true);
    return;
  }
  broadcast(Type::Out, line, key);
}

void Server::flush() {
  for (uint64_t id : std::exchange(dirty_, {}))
    if (Client* c = find(id)) write_out(*c);
  if (direct_.empty()) return;
  std::string text = std::move(direct_);
  direct_.clear();
  write_fd(STDOUT_FILENO, text);
}

void Server::broadcast(Type t, std::string_view text, const std::string& key) {
  bool any = false;
  for (auto& [id, c] : clients_)
    if (attached(*c)) {
      send(*c, t, text, true);
      any = true;
    }
  if (!any) detached_.add(key, text);
}

void Server::claim(const std::string& node_key) { owner_[node_key] = current_; }

std::string Server::refuse(const std::string& node_key, const std::string& label) {
  auto it = owner_.find(node_key);
  if (it == owner_.end() || it->second == 0 || it->second == current_) return "";
  Client* running = find(current_);
  Client* owner = find(it->second);
  // A person attached again may answer the command they started before detaching; a script never
  // types into somebody's running command.
  if (!owner && running && running->hello && running->hello->kind == ClientKind::Interactive)
    return "";
  return fmt::format(
      "{} is running a command another dust client started: not sent (wait for it to end; "
      "`intr {}` interrupts it)",
      label, label);
}

void Server::detach() {
  Client* c = find(current_);
  if (!c || !c->hello || c->hello->kind != ClientKind::Interactive)
    throw Error(
        "detach: only an interactive dust detaches (this one runs a script or one command)");
  detach_ = true;
}

std::string Server::replay(const std::set<std::string>& node_keys) {
  return detached_.text(node_keys);
}

bool Server::terminal_available() const {
  if (current_) return !abandoned_ && isatty(STDIN_FILENO);
  for (const auto& [id, c] : clients_)
    if (attached(*c)) return true;  // an interactive client has a terminal
  return false;
}

bool Server::borrow_terminal() {
  if (current_) return !abandoned_;  // a line runs: its client's terminal is ours already
  Client* c = find(last_line_from_);
  if (!c || !attached(*c))
    for (auto& [id, other] : clients_)
      if (attached(*other)) {
        c = other.get();
        break;
      }
  if (!c) return false;
  uint64_t id = c->id;
  lent_ = 0;
  busy_ = true;  // no queued line starts while the question waits
  send(*c, Type::Borrow, {});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  ctx_.loop().run_until(
      [&] { return lent_ == id || !find(id) || std::chrono::steady_clock::now() > deadline; },
      std::chrono::milliseconds(50));
  c = find(id);
  if (lent_ != id || !c) {
    if (c) send(*c, Type::Return, {});
    busy_ = false;
    pump();
    return false;
  }
  current_ = id;
  borrowed_ = true;
  abandoned_ = false;
  for (int fd = 0; fd <= 2; ++fd) dup2(c->fds[fd], fd);
  return true;
}

void Server::return_terminal() {
  if (!borrowed_) return;
  ctx_.out().flush();
  give_back();
  if (Client* c = find(current_)) send(*c, Type::Return, {});
  current_ = 0;
  borrowed_ = false;
  abandoned_ = false;
  busy_ = false;
  pump();
}

}  // namespace dust::server
