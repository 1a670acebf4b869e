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
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/node.h"
#include "shell/node_output.h"
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

  std::shared_ptr<ssh::Job> run(const std::vector<ssh::Endpoint>& nodes, const std::string& line,
                                ssh::Send mode = ssh::Send::Always) {
    return pool().run(nodes, line, mode);
  }
  [[nodiscard]] ssh::Pool::Subscription observe(const std::vector<ssh::Endpoint>& nodes,
                                                ssh::Observer& o) {
    return pool().observe(nodes, o);
  }
  // The nodes still running a command (`exit` asks before ending them).
  std::vector<std::string> busy_nodes() const {
    return pool_ ? pool_->busy_nodes() : std::vector<std::string>{};
  }

  // How a node is named in `[label]` now: its display name in the current working set (web(i-…)
  // when the name is shared); a node outside it keeps the name it had, with its id.
  std::string label(const ssh::Endpoint& ep);
  NodeOutput& format() { return format_; }

  // The last thing each node reported: its command's exit status, or an error.
  struct LastResult {
    int status = -1;    // exit status of the last command that finished, -1 after an error
    std::string error;  // connection lost, auth failed, … (empty when the command finished)
  };
  const LastResult* last_result(const std::string& key) const;

 private:
  void on_event(const ssh::NodeEvent& e, bool taken) override;
  // The node's `[label]` as printed now, kept per node while its label stays (floods print it
  // often).
  const std::string& prefix(const ssh::Endpoint& ep);

  Context& ctx_;
  std::unique_ptr<ssh::Pool> pool_;
  std::unique_ptr<SudoPrompts> sudo_;  // password prompts of the running command (sudo.h)
  NodeOutput format_;
  std::map<std::string, LastResult> last_;  // by Endpoint::key
  // Instance id → label, in the working set of generation labels_gen_.
  std::map<std::string, std::string> labels_;
  uint64_t labels_gen_ = 0;
  std::map<std::string, std::pair<std::string, std::string>> prefixes_;  // key → (prefix, label)
};

}  // namespace dust::shell
