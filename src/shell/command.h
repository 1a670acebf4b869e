// One entry of the command table: name, aliases, usage, help, flags, target kind, argument counts,
// completion and handler. The dispatcher parses, unquotes and resolves the target from these
// entries; help, completion and usage errors are generated from them too (tmux's cmd_entry).
#pragma once
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "model/node.h"
#include "select/target.h"
#include "util/error.h"

namespace dust::shell {

class Context;

// A usage error (wrong number or shape of arguments): the dispatcher prints the message and the
// row's usage line and the command exits 2, whichever command raised it.
class UsageError : public Error {
 public:
  using Error::Error;
};

// The words after the command name, split into flags the entry declared and positionals, with the
// target resolved. The resolved nodes are copies owned by Args (nodes points into them), so they
// stay valid when a command drops the node cache (ctx.invalidate()) before printing their names.
struct Args {
  Args() = default;
  Args(const Args& o);  // the copy holds its own nodes
  Args& operator=(const Args&) = delete;

  std::vector<std::string> words;  // unquoted positionals in order (the target removed)
  std::set<std::string> flags;     // canonical long names, e.g. "--verbose"
  std::string rest;                // raw text after the command name; raw rows: after the target
  std::string target;              // target text when the entry takes one ("" = all)
  // The target as the dispatcher parsed it (once per line), sets bound; null when the entry takes
  // no target. Commands ask it (plain name? uses :failed?) instead of parsing `target` again.
  std::shared_ptr<const select::Target> parsed;
  std::vector<const Node*> nodes;  // resolved target, in inventory order (points into `held`)
  bool has(const std::string& f) const { return flags.count(f) > 0; }
  // Copies `resolved` into `held` and points `nodes` at the copies.
  void hold(const std::vector<const Node*>& resolved);

 private:
  Nodes held_;
};

enum class TargetKind {
  None,      // no target
  Optional,  // a target may be given; none = the whole working set
  Required,  // a target must be given
};

// How a word completes: Places = cluster names, then regions (`use`).
enum class CompleteKind { None, Nodes, Files, Clusters, Places, Commands };

struct Flag {
  std::string short_name;  // "-v" or ""
  std::string long_name;   // "--verbose"
  std::string help;
};

// Where the target is among the positionals of one command line: an index, or kNoTarget when this
// line has none (e.g. `secgroup allow …`, which names a group, not nodes).
constexpr int kNoTarget = -1;

struct Command {
  std::string name;
  std::vector<std::string> aliases;
  std::string usage;    // "show [-v] [target]"
  std::string summary;  // one line for `help`
  std::string help;     // extra paragraph for `help CMD`
  std::vector<Flag> flags;
  TargetKind target = TargetKind::None;
  bool running_only = false;  // the target resolves to its running nodes (ssh, transfers)
  // A plain name matching several nodes asks first ("web matches 2 nodes: … Continue [y/N]").
  bool acts = false;
  bool refetch = false;  // drop the node cache before resolving (refresh: never the stale cache)
  int min_args = 0;      // positionals after the target
  int max_args = -1;     // -1 = no limit
  // Which positional is the target (default: the first). put uses it for the seed's order.
  std::function<int(Context&, const std::vector<std::string>& words)> target_at;
  // Completion of each word after the command name (the target included); the last one repeats.
  std::vector<CompleteKind> complete;
  std::function<int(Context&, Args&)> run;  // returns an exit status (0 = success)
  // Takes the rest of the line unsplit (no flags): `@`. With a target, the target is the word glued
  // to the command (`@web* uptime`); a leading blank (`@ uptime`) means no target.
  bool raw = false;
};

}  // namespace dust::shell
