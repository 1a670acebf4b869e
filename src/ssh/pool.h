// The pool of per-node sessions: runs `@target cmd` lines on many nodes at once in one event loop,
// opening sessions on first use (bounded handshakes) and keeping them for the next command.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ssh/endpoint.h"
#include "ssh/jump.h"
#include "ssh/options.h"
#include "ssh/session.h"
#include "util/event_loop.h"

namespace dust::ssh {

// One thing a node's session reported: the output path carries these from the pool to whoever
// shows, collects or records them.
struct NodeEvent {
  enum class Kind { Line, Partial, Done, Error, Notice };
  Kind kind;
  // node.key identifies the node (instance id); node.node_label is the name it had when connected.
  const Endpoint& node;
  // Line/Partial: the output as a terminal may show it (util::terminal_line: plain colour only,
  // other controls escaped); Error/Notice: the message (from dust, may quote outside text: print it
  // through util::escape_controls).
  std::string_view text;
  int status = -1;  // Done: the command's exit status
  // Line/Partial: the bytes as the node sent them (one line, CR included), for a file
  // (util::file_line keeps what a carriage return would hide). Never printed as they are.
  std::string_view raw = {};
};

// A job's view of the output path (dust.run collecting lines, a transfer watching for lost
// connections, later gathered output), registered for its nodes while the job runs (Pool::observe).
class Observer {
 public:
  virtual ~Observer() = default;
  // true = the observer took the event: the default view does not show it.
  virtual bool on_event(const NodeEvent& e) = 0;
};

// The end of the output path: every event, after the observers, with whether one of them took it.
// The shell's Sessions implements it (prints what nobody took, records each node's last result).
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void on_event(const NodeEvent& e, bool taken) = 0;
};

struct NodeResult {
  std::string node;
  int status = -1;    // exit status, -1 when unknown (failed, or superseded by a later line)
  std::string error;  // why the node failed (connect, auth, host key, connection lost, busy)
  bool finished = false;
};

// One line sent to many nodes. The pool keeps it up to date; done() when every node finished.
class Job {
 public:
  bool done() const { return remaining_ == 0; }
  const std::vector<NodeResult>& results() const { return results_; }

 private:
  friend class Pool;
  void finish(size_t i, int status, const std::string& error);
  std::vector<NodeResult> results_;
  size_t remaining_ = 0;
};

// Whether a line may go to a node whose shell is still running a command.
enum class Send {
  Always,    // `@`: a busy node gets the line as input (that is how `Y` reaches a `[Y/n]` prompt)
  IdleOnly,  // dust.run: a busy node is reported busy and gets nothing
};

// How Pool::run sends its lines.
struct RunOptions {
  Send mode = Send::Always;
  bool summarise = false;  // floods are summarised (an interactive client) rather than shown whole
  // The lines read no input from the pty (a one-shot's: stdin `</dev/null` or a file): where the
  // shell is not set up yet, each rides right behind the setup line (Session::pipeline), one round
  // trip sooner.
  bool pipelined = false;
  // Nodes sent nothing (Endpoint::key → why): each ends at once with that error, as a node that
  // could not be reached does (a one-shot's stdin that did not reach it).
  std::map<std::string, std::string> failing;
};

class Pool : private SessionObserver {
 public:
  // Every event of every session ends in `sink` (it must outlive the pool).
  Pool(EventLoop& loop, Options opt, Sink& sink);
  ~Pool() override;

  // Registers `o` for the events of `nodes` until the returned handle is destroyed. Observers are
  // offered an event newest first until one takes it; then the sink gets it.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    ~Subscription();

   private:
    friend class Pool;
    struct Watch;
    using Watches = std::vector<Watch>;
    Subscription(std::weak_ptr<Watches> watches, uint64_t id)
        : watches_(std::move(watches)), id_(id) {}
    void release();
    std::weak_ptr<Watches> watches_;  // weak: a handle may outlive the pool
    uint64_t id_ = 0;
  };
  [[nodiscard]] Subscription observe(const std::vector<Endpoint>& nodes, Observer& o);
  // Sends `e` down the output path: observers of e.node, then the sink (the sessions call it).
  void emit(const NodeEvent& e);

  // Writes `line` to each node's shell: a new command where the shell is idle; where it is busy,
  // input to the running program (Send::Always) or nothing, the node's result saying it is busy
  // (Send::IdleOnly). Nodes without a session are connected first.
  std::shared_ptr<Job> run(const std::vector<Endpoint>& nodes, const std::string& line,
                           const RunOptions& how = {}) {
    return run(nodes, std::vector<std::string>{line}, how);
  }
  // The same with a line of its own for each node (lines[i] goes to nodes[i]; one line: to all).
  std::shared_ptr<Job> run(const std::vector<Endpoint>& nodes,
                           const std::vector<std::string>& lines, const RunOptions& how = {});
  // Whoever shows the node's output cannot take more yet (or can again): Session::set_backlogged.
  // Nodes without a session are ignored.
  void backlog(const std::string& key, bool on);
  // Labels of the nodes still running a command (exit asks before ending them).
  std::vector<std::string> busy_nodes() const;
  // Sessions still connecting (handshake under way or waiting for a slot): the shell folds the
  // notices of a fan-out (new host keys, connection errors) until it is over.
  size_t connecting() const;
  // Ctrl-C to the nodes of `job` whose command (this job's line) still runs; where the line waits
  // for the connection, it is dropped and that node finishes as interrupted. Returns how many.
  int interrupt(const Job& job);
  // Ctrl-C to whatever runs on these nodes (every busy node when empty): `intr`. Returns how many.
  int interrupt(const std::vector<Endpoint>& nodes);
  void close_all();
  // A password to the program waiting on this node (sudo.h); nothing is logged or kept.
  bool send_secret(const Endpoint& node, const std::string& secret);
  // Whether the node's session connected past a changed host key (StrictHostKeyChecking no): it
  // is never asked for nor sent a secret.
  bool host_key_changed(const Endpoint& node) const;

  // For raw mode and transfers: the node's session, connecting it first if needed (runs the loop
  // until ready or failed). nullptr with *err set on failure. A session whose command still runs is
  // refused, unless busy_ok (raw mode attaches to the running command).
  // `stop` (optional): give up waiting when it says so (Ctrl-C), *err "interrupted".
  Session* ready_session(const Endpoint& ep, std::string* err, bool busy_ok = false,
                         const std::function<bool()>& stop = nullptr);
  // For transfers, which open channels of their own: the node's session as soon as it is logged in
  // (Session::logged_in). A session started for it opens no shell (LoggedIn; a later line opens
  // it), so a cold put or get waits for no pty, shell or setup line, and runs whatever the login
  // shell's startup files do, as scp does. Refused as ready_session refuses.
  Session* logged_in_session(const Endpoint& ep, std::string* err,
                             const std::function<bool()>& stop = nullptr);
  // Starts connecting every node without a usable session (bounded handshakes) and returns at once,
  // so that ready_session() / logged_in_session() on many nodes waits for the slowest instead of
  // their sum (transfers). shell false: the logins not yet past authentication open no shell.
  void connect(const std::vector<Endpoint>& nodes, bool shell = true);
  // Speculative connections (Context::fetch_nodes_overlapped): nodes as a cached EC2 answer knows
  // them start connecting held (Session::set_held) while the fresh answer is on its way; nodes
  // with a session already are left alone. confirm() then releases each held session whose node
  // the fresh answer selects at the same endpoint, and closes the others without a word.
  void prepare(const std::vector<Endpoint>& nodes);
  void confirm(const std::vector<Endpoint>& fresh);
  EventLoop& loop() { return loop_; }
  const Options& options() const { return opt_; }

 private:
  struct Entry {
    std::unique_ptr<Session> session;
    std::shared_ptr<Job> job;
    size_t index = 0;  // this node's slot in job->results()
    // Lines to send once the shell is ready, each as sent: the first is the command, the others its
    // input (as they would be on a ready shell).
    std::vector<std::string> pending;
    uint64_t input_timer = 0;  // sends the input lines of `pending` a moment after the command
    bool queued = false;       // waiting for a handshake slot
  };
  Entry& entry_for(const Endpoint& ep);
  // Ctrl-C to the node's running command, or drops its line not yet sent (still connecting).
  bool interrupt(Entry& e);
  Entry* find(Session& s);
  void send_pending_input(const std::string& key);
  void drop_pending(Entry& e);
  // shell false: a transfer's login, which stops once logged in (Session::set_shell_wanted).
  void begin_connect(Entry& e, bool shell = true);
  void start_queued();
  int handshaking() const;

  void on_ready(Session& s) override;
  void on_logged_in(Session& s) override;
  void on_line(Session& s, std::string_view text) override;
  void on_partial(Session& s, std::string_view text) override;
  void on_done(Session& s, int status) override;
  void on_notice(Session& s, const std::string& msg) override;
  void on_closed(Session& s, const std::string& error) override;

  EventLoop& loop_;
  Options opt_;
  Sink& sink_;
  Jumps jumps_;  // before entries_: sessions go first, then the jump sessions they ran over
  std::shared_ptr<Subscription::Watches> watches_;  // oldest first
  uint64_t next_watch_ = 1;
  std::map<std::string, Entry> entries_;   // by Endpoint::key
  std::deque<std::string> connect_queue_;  // keys
  bool starting_ = false;
};

struct Pool::Subscription::Watch {
  uint64_t id;
  std::vector<std::string> keys;  // Endpoint::key of the observed nodes
  Observer* observer;
};

// Raises RLIMIT_NOFILE to its hard limit (hundreds of sessions, parallel-ssh#311).
void raise_fd_limit();

}  // namespace dust::ssh
