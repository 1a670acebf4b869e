// Server: where output goes, and what the shell asks of it (server.h, shell/attachments.h).
#include <fmt/format.h>

#include <utility>

#include "server/server.h"
#include "shell/context.h"
#include "util/error.h"

namespace dust::server {

void Server::write(Stream s, std::string_view text) {
  Type t = s == Stream::Err ? Type::Err : Type::Out;
  if (current_) {
    // The running line's output is its client's (frames on its own queue, in order with its
    // node lines); gone, it goes nowhere.
    if (Client* c = find(current_); c && c->fd >= 0) send(*c, t, text, true);
    return;
  }
  broadcast(t, text, "");
}

void Server::node_line(const std::string& key, std::string_view line) {
  auto it = owner_.find(key);
  uint64_t owner = it == owner_.end() ? 0 : it->second;
  if (Client* c = owner ? find(owner) : nullptr; c && c->fd >= 0 && !c->closing) {
    // A flood is many short lines: they go as one frame per loop turn (or per 64 KiB).
    c->lines.append(line);
    if (c->lines.size() >= 64 * 1024)
      send(*c, Type::Out, {}, false);  // sends the lines first
    else
      dirty_.insert(c->id);
    return;
  }
  broadcast(Type::Out, line, key);
}

void Server::flush() {
  for (uint64_t id : std::exchange(dirty_, {}))
    if (Client* c = find(id)) {
      if (!c->lines.empty()) c->out += encode(Type::Out, std::exchange(c->lines, {}));
      if (c->out.size() > high_mark(*c)) throttle(*c);
      write_out(*c);
    }
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

shell::ClientIo* Server::asker() {
  if (current_) {
    Client* c = find(current_);
    return c && c->fd >= 0 && c->io->can_ask() ? c->io.get() : nullptr;
  }
  // A prompt after the line returned: the attached client that ran a line last, else any.
  Client* c = find(last_line_from_);
  if (!c || !attached(*c) || !c->io->can_ask()) {
    c = nullptr;
    for (auto& [id, other] : clients_)
      if (attached(*other) && other->io->can_ask()) {
        c = other.get();
        break;
      }
  }
  return c ? c->io.get() : nullptr;
}

}  // namespace dust::server
