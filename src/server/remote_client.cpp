// RemoteClient (remote_client.h).
#include "server/remote_client.h"

#include "server/server.h"

namespace dust::server {

RemoteClient::RemoteClient(Server& server, uint64_t id, const ClientInfo& info)
    : server_(server), id_(id), info_(info), env_(info.env), cwd_(info.cwd) {}

std::optional<std::string> RemoteClient::ask(const std::string& question, bool secret) {
  if (!info_.terminal) return std::nullopt;
  return server_.ask(id_, question, secret);
}

int RemoteClient::run_local(const std::string& command) {
  // The client runs it once the line is over (Done.local), with its own environment, directory,
  // terminal and job control; the server never forks a shell for a client.
  local_ = command;
  return 0;
}

void RemoteClient::change_directory(const std::string& dir) {
  // The client process changes its own directory when the line is over (Done.cwd); the rest of
  // this client's requests resolve local paths there from now on.
  previous_cwd_ = std::exchange(cwd_, dir);
  new_cwd_ = dir;
}

std::string RemoteClient::unusable() const {
  if (!info_.stdin_tty || !info_.stdout_tty)
    return "raw mode needs a terminal (give a command: @node cmd)";
  return "";
}

void RemoteClient::begin(std::function<void(std::string_view)> keys) {
  keys_ = std::move(keys);
  size_dirty_ = true;
  server_.send_to(id_, Type::RawBegin, {});
}

void RemoteClient::end() {
  if (!keys_) return;
  keys_ = nullptr;
  server_.send_to(id_, Type::RawEnd, {});
}

void RemoteClient::write(std::string_view bytes) { server_.send_to(id_, Type::Out, bytes); }

bool RemoteClient::size_changed(int* cols, int* rows) {
  if (!size_dirty_) return false;
  size_dirty_ = false;
  *cols = info_.cols > 0 ? info_.cols : 80;
  *rows = info_.rows > 0 ? info_.rows : 24;
  return true;
}

void RemoteClient::resized(const Size& s) {
  if (s.cols <= 0 || s.rows <= 0) return;
  info_.cols = s.cols;
  info_.rows = s.rows;
  size_dirty_ = true;
}

void RemoteClient::typed(std::string_view keys) {
  if (keys_) keys_(keys);
}

}  // namespace dust::server
