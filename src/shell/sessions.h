// The shell's ssh sessions and the one path their output takes. Sessions owns the ssh::Pool (built
// from Config on the context's loop) and is the end of the output path (ssh::Sink): what no job's
// observer takes is printed here, labelled at print time with the node's current name in the
// current working set; each node's last result (exit status or error) is kept here too. `@`,
// put/get, start --wait and the Lua dust.run/put/get all go through ctx.sessions().
//
// Jobs that need a node's events (dust.run collecting lines, a transfer watching for lost
// connections; later gathered output, `@:failed`, JSON lines, transcripts) register an
// ssh::Observer for their nodes while they run (observe()); afterwards, background output comes
// here again.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/node.h"
#include "shell/node_output.h"
#include "shell/notice_fold.h"
#include "shell/outcome.h"
#include "ssh/pool.h"

namespace dust::shell {

class Context;
class SudoPrompts;

class Sessions : private ssh::Sink {
 public:
  explicit Sessions(Context& ctx);
  ~Sessions() override;
  Sessions(const Sessions&) = delete;
  Sessions& operator=(const Sessions&) = delete;

  // The pool, created on first use (so commands that never ssh cost nothing).
  ssh::Pool& pool();
  // Endpoints of `nodes` (address, user and key settings from the config), keyed by instance id.
  std::vector<ssh::Endpoint> endpoints(const std::vector<const Node*>& nodes);

  // How run() sends: the pool's options (ssh::RunOptions; `summarise` is the client's mode), and
  // how transcripts record the line.
  struct Sending {
    ssh::RunOptions pool;
    // Recorded as this rather than as what is sent: a one-shot's command as typed, not wrapped
    // with its stdin (remote_stdin.h).
    std::optional<std::string> record_as;
  };
  std::shared_ptr<ssh::Job> run(const std::vector<ssh::Endpoint>& nodes, const std::string& line,
                                Sending how = {}) {
    return run(nodes, std::vector<std::string>{line}, std::move(how));
  }
  // The same with a line of its own for each node (Pool::run). A line sent to a node that shows a
  // prompt for a secret (typing_secret()) is recorded as a secret, never as typed.
  std::shared_ptr<ssh::Job> run(const std::vector<ssh::Endpoint>& nodes,
                                const std::vector<std::string>& lines, Sending how = {});
  [[nodiscard]] ssh::Pool::Subscription observe(const std::vector<ssh::Endpoint>& nodes,
                                                ssh::Observer& o) {
    return pool().observe(nodes, o);
  }
  // Whether a node among `nodes` shows a prompt for a secret now (its last output is a partial line
  // such as `Password:`, PasswordPrompts::asks_secret): what is typed to it is not recorded.
  bool typing_secret(const std::vector<ssh::Endpoint>& nodes) const;
  // Whether the REPL may keep `line` in history: not a `@…` line while any node shows such a
  // prompt (decided before the target is resolved, so on the safe side).
  bool may_remember(std::string_view line) const;
  // The nodes still running a command (`exit` asks before ending them).
  std::vector<std::string> busy_nodes() const {
    return pool_ ? pool_->busy_nodes() : std::vector<std::string>{};
  }

  // How a node is named in `[label]` now: its display name in the current working set (web(i-…)
  // when the name is shared); a node outside it keeps the name it had, with its id.
  std::string label(const ssh::Endpoint& ep);
  NodeOutput& format() { return format_; }
  // Coloured `[node]` prefixes or not from now on (a dust server: as the running client wants).
  void set_colour(bool on) {
    if (on != format_.colour()) prefixes_.clear();
    format_.set_colour(on);
  }

  // ---- the last command and its summary (sessions_report.cpp) ----
  // Reports `job` (run on `eps`) once it has ended on every node: it becomes the last command
  // (`:failed`/`:ok`) and, with `summary`, its folded failure line is printed (interactive `@`,
  // `@@`). Call once per job, right after run().
  void track(std::shared_ptr<ssh::Job> job, std::vector<ssh::Endpoint> eps, bool summary);
  // Reports a tracked job now, ended or not (one-shot/script mode after waiting; nodes still
  // running count as "did not finish"): folded notices print first, then it becomes the last
  // command and is tracked no more. Returns its outcomes (for the caller's summary).
  std::vector<Outcome> finish(const ssh::Job& job);
  // Makes `outcomes` the last command now (put/get, whose nodes report as they end).
  void record(std::vector<Outcome> outcomes);
  // The last command's outcomes (one per node it reached), nullptr before any.
  const std::vector<Outcome>* last_command() const {
    return last_cmd_->outcomes ? &*last_cmd_->outcomes : nullptr;
  }
  // Whose last command that is: a dust server keeps one per client (`:failed` of one client is not
  // another's) and swaps it in while the client's line runs; a command that ends later (an
  // interactive `@`) is recorded in the one that was in place when it started. Returns the former.
  struct LastCommand {
    std::optional<std::vector<Outcome>> outcomes;
    std::shared_ptr<ssh::Job> job;  // the tracked job they came from, for finish()
  };
  std::shared_ptr<LastCommand> swap_last(std::shared_ptr<LastCommand> next) {
    return std::exchange(last_cmd_, next ? std::move(next) : std::make_shared<LastCommand>());
  }
  // Prints the folded notices held back so far (before a summary, at exit); with a node's key,
  // only that node's (see NoticeFold::take_node).
  void flush_notices(const std::string& key = "");

  // A recorder of everything that passes through the sessions (transcripts, shell/transcript.h):
  // every event whether or not a job took it, every line sent, raw-mode bytes, transfer outcomes.
  // Labels are the nodes' labels now (label()).
  class Tap {
   public:
    enum class Sent { Command, Input, Secret };  // a new command, input to a running one, hidden
    enum class RawMark { Attached, Bytes, Detached, Ended };
    virtual ~Tap() = default;
    // A command (line sent, or a transfer) begins on `nodes`: it is now "the last command".
    virtual void begin(const std::vector<ssh::Endpoint>& nodes,
                       const std::vector<std::string>& labels) = 0;
    // Its job, once started: nodes that finish without an event (busy, interrupted) count too.
    virtual void job(std::shared_ptr<const ssh::Job> job) = 0;
    virtual void sent(const ssh::Endpoint& ep, const std::string& label, std::string_view line,
                      Sent how) = 0;
    virtual void event(const ssh::NodeEvent& e, const std::string& label) = 0;
    // Raw mode: bytes as received from the node, between the attach and detach marks.
    virtual void raw(const ssh::Endpoint& ep, const std::string& label, RawMark mark,
                     std::string_view bytes) = 0;
    // A transfer's result on one node (put/get), which ends the node's part of the command.
    virtual void outcome(const ssh::Endpoint& ep, const std::string& label, bool ok,
                         std::string_view text) = 0;
  };
  // Installs (or with nullptr removes) the recorder; tap() is nullptr when nothing records.
  void set_tap(std::unique_ptr<Tap> t) { tap_ = std::move(t); }
  Tap* tap() { return tap_.get(); }

 private:
  void on_event(const ssh::NodeEvent& e, bool taken) override;
  // The node's `[label]` as printed now, kept per node while its label stays (floods print it
  // often).
  const std::string& prefix(const ssh::Endpoint& ep);

  Context& ctx_;
  std::unique_ptr<Tap> tap_;  // before pool_: events of the pool's last moments still reach it
  std::unique_ptr<ssh::Pool> pool_;
  std::unique_ptr<SudoPrompts> sudo_;    // password prompts of the running command (sudo.h)
  std::set<std::string> asking_secret_;  // keys of nodes showing a prompt for a secret
  NodeOutput format_;
  // Instance id → label, in the working set of generation labels_gen_.
  std::map<std::string, std::string> labels_;
  uint64_t labels_gen_ = 0;
  std::map<std::string, std::pair<std::string, std::string>> prefixes_;  // key → (prefix, label)

  // sessions_report.cpp: jobs waiting to be reported, held-back notices, the last command.
  struct Tracked {
    std::shared_ptr<ssh::Job> job;
    std::vector<ssh::Endpoint> eps;
    bool summary;
    std::shared_ptr<LastCommand> owner;  // where it is recorded when it ends
  };
  std::vector<Outcome> outcomes(const Tracked& t) const;
  void hold_notice(const ssh::NodeEvent& e);
  void arm();   // starts the report timer unless it runs
  void tick();  // reports ended jobs, prints notices once a fan-out's connecting is over
  std::vector<Tracked> tracked_;
  NoticeFold notices_;
  std::chrono::steady_clock::time_point first_notice_, last_notice_;
  uint64_t timer_ = 0;
  std::shared_ptr<LastCommand> last_cmd_ = std::make_shared<LastCommand>();
};

}  // namespace dust::shell
