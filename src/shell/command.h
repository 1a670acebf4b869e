// One entry of the command table: name, aliases, usage, help, flags, target kind and handler.
// Help, completion and usage errors are all generated from these entries (tmux's cmd_entry).
#pragma once
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "model/node.h"

namespace dust::shell {

class Context;

// The words after the command name, split into flags the entry declared and positionals.
struct Args {
  std::vector<std::string> words;  // positionals in order (target removed when resolved)
  std::set<std::string> flags;     // canonical long names, e.g. "--verbose"
  std::string rest;                // the raw text after the command name (for @ and !)
  std::string target;              // target text when the entry takes one ("" = all)
  std::vector<const Node*> nodes;  // resolved target, in inventory order
  bool has(const std::string& f) const { return flags.count(f) > 0; }
};

enum class TargetKind {
  None,      // no target
  Optional,  // first positional (if any) is a target; none = the whole working set
  Required,  // first positional must be present and is a target
};

enum class CompleteKind { None, Nodes, Files, Regions, Clusters, Commands };

struct Flag {
  std::string short_name;  // "-v" or ""
  std::string long_name;   // "--verbose"
  std::string help;
};

struct Command {
  std::string name;
  std::vector<std::string> aliases;
  std::string usage;    // "show [-v] [target]"
  std::string summary;  // one line for `help`
  std::string help;     // extra paragraph for `help CMD`
  std::vector<Flag> flags;
  TargetKind target = TargetKind::None;
  CompleteKind complete = CompleteKind::None;
  std::function<int(Context&, Args&)> run;  // returns an exit status (0 = success)
  bool raw = false;  // receives the raw rest of the line unsplit (no flag parsing)
};

}  // namespace dust::shell
