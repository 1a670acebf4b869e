// The dust server: one process per DUST_HOME that owns the event loop, the ssh sessions and the
// node caches, and runs the lines its clients send (PRODUCT.md §8, docs/server.md).
//
// Each line is served for the client that sent it: its environment, directory, working set and
// terminal facts (RemoteClient), its output as frames on its own non-blocking queue, its questions
// and raw mode as frames; a local command goes back to it to run. The server never borrows a
// client's fds. One line runs at a time, the way one shell runs one command; a line that has to
// wait says so at once. Output nobody is running goes by node to the client whose command it is,
// notices to every attached (interactive) client, and with none attached is kept
// (detached_output.h).
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
#include "server/remote_client.h"
#include "shell/attachments.h"
#include "shell/context.h"
#include "shell/printer.h"
#include "shell/sessions.h"

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
  shell::ClientIo* asker() override;

  // For RemoteClient: a question on client `id`'s terminal (runs the loop until it answers, goes
  // away or the server ends); a frame for it now.
  std::optional<std::string> ask(uint64_t id, const std::string& question, bool secret);
  void send_to(uint64_t id, Type t, std::string_view payload);

 private:
  // A client's queue past this backlogs its nodes (throttle()): a one-shot's wait (paused) at 8
  // MiB; a person's terminal falls behind sooner, and its floods are summarised from 1 MiB.
  static constexpr size_t kHighMark = 8u << 20;
  static constexpr size_t kInteractiveHighMark = 1u << 20;

  // A connection's state (docs/server.md).
  enum class State { HelloWait, Idle, Queued, Running, Closing };
  struct Client {
    uint64_t id = 0;
    int fd = -1;
    State state = State::HelloWait;
    FrameReader in;
    std::string out;    // frames not yet written (never dropped: backpressure pauses its nodes)
    std::string lines;  // node lines for stdout, one Out frame for a whole loop turn
    std::optional<Hello> hello;
    std::unique_ptr<RemoteClient> io;
    shell::Context::WorkingSet working;  // its `use`, swapped in while its line runs
    std::shared_ptr<shell::Sessions::LastCommand> last;  // its `:failed`/`:ok`, likewise
    std::optional<std::optional<std::string>> answer;    // the Answer to an Ask, once it came
    std::set<std::string> paused;                        // nodes not read until `out` drains
    bool closing = false;                                // drop once `out` is written
  };
  struct Request {
    uint64_t client;
    Type type;  // Line or Eof
    std::string line;
  };

  static size_t high_mark(const Client& c);
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
  void refuse_client(uint64_t id, const std::string& why);  // drop, with a Bye saying why
  Client* find(uint64_t id);
  bool attached(const Client& c) const;
  size_t attached_count() const;
  // "2 dust clients are attached; commands still run on worker[0-2]", or "" (kill-server's
  // question).
  std::string what_would_end() const;
  void broadcast(Type t, std::string_view text, const std::string& key);
  void pump();
  void execute(const Request& r);
  // Ends the server: every client but `leaving` is told why.
  void shutdown(const std::string& why, uint64_t leaving = 0);
  void check_idle();
  // Backpressure: a client whose queue passed the high mark stops its nodes being read; they go on
  // once it drained below the low mark.
  void throttle(Client& c);

  shell::Context& ctx_;
  int listen_fd_;
  std::string socket_path_;
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
  uint64_t last_line_from_ = 0;  // the interactive client that ran a line last
  // The working set the last interactive client left with: the next one (detach, attach) goes on
  // from it when its identity (Environment::identity_key) is the same.
  std::optional<std::pair<std::string, shell::Context::WorkingSet>> last_working_;
  std::shared_ptr<shell::Sessions::LastCommand> last_results_;  // and its `:failed`/`:ok`
  std::map<std::string, uint64_t> owner_;  // node key → the client whose command it runs
  DetachedOutput detached_;
  std::set<uint64_t> dirty_;  // clients with frames queued by send(…, later)
  std::optional<std::chrono::steady_clock::time_point> idle_since_;
};

}  // namespace dust::server
