// The dust server: one process per DUST_HOME that owns the event loop, the ssh sessions, the
// working set and the last results, and runs the lines its clients send (PRODUCT.md §8).
//
// One line runs at a time, the way one shell runs one command: while it runs, the server has
// borrowed the sending client's stdin/stdout/stderr (passed over the socket) as its own fds 0-2, so
// every command, question, raw mode and `!cmd` behaves as in one process; other clients' lines
// wait their turn (an interactive `@` returns at once: its output streams in afterwards). Output
// nobody is running goes by node to the client whose command it is, notices to every attached
// (interactive) client, and with none attached is kept (detached_output.h).
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/detached_output.h"
#include "server/frame.h"
#include "server/messages.h"
#include "shell/attachments.h"
#include "shell/printer.h"

namespace dust::shell {
class Context;
}

namespace dust::server {

class Server : public shell::OutputSink, public shell::Attachments {
 public:
  // Takes `listen_fd` (bound to `socket_path`, listening, non-blocking; closed and unlinked when
  // the server ends) and serves on ctx's loop.
  Server(shell::Context& ctx, int listen_fd, std::string socket_path, int idle_timeout_s);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Until the last attached client exits, kill-server, or the idle timeout.
  void run();

  // shell::OutputSink
  void write(Stream s, std::string_view text) override;
  bool routes_nodes() const override { return true; }
  void node_line(const std::string& key, std::string_view line) override;
  void flush() override;
  // shell::Attachments
  void claim(const std::string& node_key) override;
  std::string refuse(const std::string& node_key, const std::string& label) override;
  bool abandoned() const override { return abandoned_; }
  void detach() override;
  std::string replay(const std::set<std::string>& node_keys) override;
  bool terminal_available() const override;
  bool borrow_terminal() override;
  void return_terminal() override;

 private:
  struct Client {
    uint64_t id = 0;
    int fd = -1;
    FrameReader in;
    std::string out;       // frames not yet written
    size_t dropped = 0;    // output bytes dropped because the client did not read
    std::vector<int> fds;  // its stdin, stdout, stderr (from Hello)
    std::optional<Hello> hello;
    bool closing = false;  // drop once `out` is written
  };
  struct Request {
    uint64_t client;
    Type type;  // Line or Eof
    std::string line;
  };

  void accept_clients();
  void on_io(uint64_t id, short revents);
  void handle(Client& c, Frame& f);
  void on_hello(Client& c, const Frame& f);
  // Why a client's -F / --log-dir cannot be served here ("" when they agree or were not given).
  std::string conflict(const Settings& asked);
  // Queues a frame; written now, or with `later` at the end of the loop turn (flush()), so a flood
  // of node lines costs one write per client per turn.
  void send(Client& c, Type t, std::string_view payload, bool later = false);
  void write_out(Client& c);
  void drop(uint64_t id, const std::string& why);
  Client* find(uint64_t id);
  bool attached(const Client& c) const;
  size_t attached_count() const;
  void broadcast(Type t, std::string_view text, const std::string& key);
  void pump();
  void execute(const Request& r);
  // Ends the server: every client but `leaving` is told why.
  void shutdown(const std::string& why, uint64_t leaving = 0);
  void check_idle();
  void give_back();  // the server's own fds 0-2 again (stdin/stdout /dev/null, stderr its log)

  shell::Context& ctx_;
  int listen_fd_;
  std::string socket_path_;
  int devnull_;
  int own_fds_[3] = {-1, -1, -1};
  int idle_timeout_s_;
  std::map<uint64_t, std::unique_ptr<Client>> clients_;
  std::deque<Request> queue_;
  uint64_t next_id_ = 1;
  uint64_t current_ = 0;  // the client whose line runs
  bool busy_ = false;
  bool pump_armed_ = false;
  bool stop_ = false;
  bool abandoned_ = false;
  bool detach_ = false;
  bool ever_attached_ = false;
  bool borrowed_ = false;        // current_ lent its terminal for a question (borrow_terminal)
  uint64_t lent_ = 0;            // the client that answered Borrow with Lent
  uint64_t last_line_from_ = 0;  // the interactive client that ran a line last
  std::map<std::string, uint64_t> owner_;  // node key → the client whose command it runs
  DetachedOutput detached_;
  std::set<uint64_t> dirty_;  // clients with frames queued by send(…, later)
  std::string direct_;        // node lines for the running client, written at flush()
  std::optional<std::chrono::steady_clock::time_point> idle_since_;
};

}  // namespace dust::server
