// The pool of per-node sessions: runs `@target cmd` lines on many nodes at once in one event loop,
// opening sessions on first use (bounded handshakes) and keeping them for the next command.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ssh/endpoint.h"
#include "ssh/options.h"
#include "ssh/session.h"
#include "util/event_loop.h"

namespace dust::ssh {

// Where a node's output and events go. Text is already printable (see printable()).
class Listener {
 public:
  virtual ~Listener() = default;
  virtual void on_line(const std::string& node, std::string_view text) = 0;
  virtual void on_partial(const std::string& node, std::string_view text) = 0;  // prompt-like tail
  virtual void on_done(const std::string& node, int status) = 0;
  virtual void on_error(const std::string& node, const std::string& message) = 0;
  virtual void on_notice(const std::string& node, const std::string& message) = 0;
};

struct NodeResult {
  std::string node;
  int status = -1;     // exit status, -1 when unknown (failed, or superseded by a later line)
  std::string error;   // why the node failed (connect, auth, host key, connection lost)
  bool finished = false;
};

// One `@` line across its nodes. The pool keeps it up to date; done() when every node finished.
class Job {
 public:
  bool done() const { return remaining_ == 0; }
  const std::vector<NodeResult>& results() const { return results_; }
  bool all_ok() const;

 private:
  friend class Pool;
  void finish(size_t i, int status, const std::string& error);
  std::vector<NodeResult> results_;
  size_t remaining_ = 0;
};

class Pool : private SessionObserver {
 public:
  Pool(EventLoop& loop, Options opt);
  ~Pool() override;

  // Writes `line` to each node's shell: a new command where the shell is idle, input to the
  // running program where it is busy (that is how `Y` reaches a `[Y/n]` prompt). Nodes without a
  // session are connected first. `l` receives this job's output and later background output.
  std::shared_ptr<Job> run(const std::vector<Endpoint>& nodes, const std::string& line, Listener& l);
  bool busy() const;  // any node running a command
  // Ctrl-C to the running commands of these nodes (all busy nodes when empty). Returns how many.
  int interrupt(const std::vector<Endpoint>& nodes = {});
  void close_all();

  // For raw mode and SFTP: the node's session, connecting it first if needed (runs the loop until
  // ready or failed). nullptr with *err set on failure. A session whose command still runs is
  // refused, unless busy_ok (raw mode attaches to the running command).
  Session* ready_session(const Endpoint& ep, Listener& l, std::string* err, bool busy_ok = false);
  // Starts connecting every node without a usable session (bounded handshakes) and returns at once,
  // so that ready_session() on many nodes waits for the slowest instead of their sum (SFTP).
  void connect(const std::vector<Endpoint>& nodes, Listener& l);
  size_t open_sessions() const;
  EventLoop& loop() { return loop_; }
  const Options& options() const { return opt_; }

 private:
  struct Entry {
    std::unique_ptr<Session> session;
    Listener* listener = nullptr;
    std::shared_ptr<Job> job;
    size_t index = 0;           // this node's slot in job->results()
    std::string pending;        // lines to send once the shell is ready
    bool queued = false;        // waiting for a handshake slot
  };
  Entry& entry_for(const Endpoint& ep);
  Entry* find(Session& s);
  void begin_connect(Entry& e);
  void start_queued();
  int handshaking() const;

  void on_ready(Session& s) override;
  void on_line(Session& s, std::string_view text) override;
  void on_partial(Session& s, std::string_view text) override;
  void on_done(Session& s, int status) override;
  void on_notice(Session& s, const std::string& msg) override;
  void on_closed(Session& s, const std::string& error) override;

  EventLoop& loop_;
  Options opt_;
  std::map<std::string, Entry> entries_;  // by Endpoint::key
  std::deque<std::string> connect_queue_;  // keys
  bool starting_ = false;
};

// Raises RLIMIT_NOFILE to its hard limit (hundreds of sessions, parallel-ssh#311).
void raise_fd_limit();

}  // namespace dust::ssh
