// `@@target cmd` (and `@` under `output gather`) and `--json` for `@`: a job whose node output is
// observed instead of streamed as `[node] line`. Gathered: each node's output is kept (bounded)
// until its command ends, then printed once per group of identical nodes (gather_group.h).
#pragma once
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "shell/gather_group.h"
#include "shell/sessions.h"
#include "ssh/pool.h"

namespace dust::shell {

class Context;

// Collects the lines (and errors) of its nodes while registered. Each node keeps at most
// `limit_bytes` of memory for its lines (text plus per-line overhead): beyond that its oldest lines
// are dropped and counted, so a flood costs bounded memory. A node's events after its end
// (background jobs) are left to the default view.
class Gatherer : public ssh::Observer {
 public:
  Gatherer(const std::vector<ssh::Endpoint>& eps, size_t limit_bytes);
  bool on_event(const ssh::NodeEvent& e) override;
  // Called when a node's command ends (its Done or Error event), with its index in eps.
  std::function<void(size_t, const ssh::NodeEvent&)> on_end;

  const std::vector<std::string>& lines(size_t i);  // compacts the node's buffer into a vector
  size_t dropped_lines(size_t i) const { return nodes_[i].dropped_lines; }
  size_t dropped_bytes(size_t i) const { return nodes_[i].dropped_bytes; }
  void clear(size_t i);  // frees a node's lines (after they were written out)
  // The node's capture (lines, dropped counts, outcome) given its job result.
  NodeCapture capture(size_t i, const std::string& label, const ssh::NodeResult& r);

 private:
  struct Node {
    std::deque<std::string> buf;
    std::vector<std::string> flat;
    size_t bytes = 0, dropped_lines = 0, dropped_bytes = 0;
    bool ended = false;
  };
  size_t limit_;
  std::map<std::string, size_t> index_;  // Endpoint::key → i
  std::vector<Node> nodes_;
};

// Per-node output limit of a gathered job over `n` nodes: 4 MiB, less when 256 MiB over all nodes
// would be exceeded, never under 64 KiB.
size_t gather_limit(size_t n);

// How the `@` command waits and summarises, so `@@` and `--json` keep its exit status.
struct AtHooks {
  std::function<int(const ssh::Job&)> wait;       // wait for every node (Ctrl-C interrupts)
  std::function<int(const ssh::Job&)> summarise;  // failed nodes → stderr; the exit status
};

// Runs the line(s) on `eps`, gathered and/or as JSON lines (ctx.json() outside the interactive
// shell). Gathered, it waits for every node (ssh.command_timeout applies); Ctrl-C prints what was
// gathered so far and names the nodes still running, whose commands go on (their later output
// streams as background output). Returns the exit status as `@` does (130 after Ctrl-C).
// `lines` and `how`: one line for every node, or one per node, sent as Sessions::run sends them.
int run_observed(Context& ctx, const std::vector<ssh::Endpoint>& eps,
                 const std::vector<std::string>& lines, const Sessions::Sending& how, bool gather,
                 const AtHooks& hooks);

}  // namespace dust::shell
