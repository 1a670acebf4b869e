// A served client as the shell sees it (shell::ClientIo, docs/server.md): the environment,
// directory and terminal facts from its Hello; questions and raw mode go to it as frames through
// the server; a local command is handed back to it in the line's Done.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "server/messages.h"
#include "shell/client_io.h"
#include "ssh/raw_terminal.h"

namespace dust::server {

class Server;

class RemoteClient : public shell::ClientIo, public ssh::RawTerminal {
 public:
  RemoteClient(Server& server, uint64_t id, const ClientInfo& info);

  // shell::ClientIo
  const Environment& env() const override { return env_; }
  const std::string& cwd() const override { return cwd_; }
  bool stdin_tty() const override { return info_.stdin_tty; }
  bool stderr_tty() const override { return info_.stderr_tty; }
  int columns() const override { return info_.cols > 0 ? info_.cols : 80; }
  bool can_ask() const override { return info_.terminal; }
  std::optional<std::string> ask(const std::string& question, bool secret) override;
  int run_local(const std::string& command) override;
  void change_directory(const std::string& dir) override;
  const std::string& previous_cwd() const override { return previous_cwd_; }
  ssh::RawTerminal& raw_terminal() override { return *this; }
  std::optional<std::string> stdin_data() override { return stdin_; }
  void set_stdin(std::string data) { stdin_ = std::move(data); }

  // ssh::RawTerminal
  std::string unusable() const override;
  void begin(std::function<void(std::string_view)> keys) override;
  void end() override;
  void write(std::string_view bytes) override;
  bool size_changed(int* cols, int* rows) override;

  // From the server: frames of this client.
  void resized(const Size& s);
  void typed(std::string_view keys);  // Input frames; "" = the client went away
  bool raw() const { return static_cast<bool>(keys_); }
  // The local command the line handed back (run_local), once.
  std::optional<std::string> take_local() { return std::exchange(local_, std::nullopt); }
  // The directory a `cd` of the line moved it to (Done.cwd), once.
  std::optional<std::string> take_cwd() { return std::exchange(new_cwd_, std::nullopt); }
  const ClientInfo& info() const { return info_; }

 private:
  Server& server_;
  uint64_t id_;
  ClientInfo info_;
  Environment env_;
  std::optional<std::string> local_;
  std::string cwd_, previous_cwd_;
  std::optional<std::string> new_cwd_;
  std::optional<std::string> stdin_;  // a one-shot's stdin (Stdin frame)
  std::function<void(std::string_view)> keys_;
  bool size_dirty_ = true;
};

}  // namespace dust::server
