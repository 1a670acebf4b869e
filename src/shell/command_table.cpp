// The command table and argument splitting.
#include "shell/command_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "shell/commands/commands.h"
#include "util/suggest.h"

namespace dust::shell {

CommandTable& CommandTable::instance() {
  static CommandTable* t = [] {
    auto* table = new CommandTable;
    register_builtins(*table);
    return table;
  }();
  return *t;
}

void register_builtins(CommandTable& t) {
  // One line per command file in src/shell/commands/.
  register_help(t);
  register_show(t);
  register_showex(t);
  register_refresh(t);
  register_start(t);
  register_stop(t);
  register_terminate(t);
  register_tag(t);
  register_untag(t);
  register_use(t);
  register_assign(t);
  register_cluster(t);
  register_load(t);
  register_status(t);
  register_loglevel(t);
  register_logdir(t);
  register_cd(t);
  register_exit(t);
  register_put(t), register_get(t);
  register_at(t), register_atat(t), register_output(t);
  register_intr(t);
  register_secgroup(t);
  register_hostkeys(t);
  register_ssh_config(t);
  register_detach(t);
  register_replay(t);
  // Drop-in (Lua) commands are added by main after these, so a drop-in never replaces a built-in.
}

void CommandTable::add(Command c) {
  for (auto& existing : commands_)
    if (existing.name == c.name) {
      existing = std::move(c);
      return;
    }
  commands_.push_back(std::move(c));
}

const Command* CommandTable::find(const std::string& name) const {
  for (const auto& c : commands_) {
    if (c.name == name) return &c;
    if (std::find(c.aliases.begin(), c.aliases.end(), name) != c.aliases.end()) return &c;
  }
  return nullptr;
}

std::vector<std::string> CommandTable::names() const {
  std::vector<std::string> out;
  for (const auto& c : commands_) {
    out.push_back(c.name);
    for (const auto& a : c.aliases) out.push_back(a);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string CommandTable::suggest(const std::string& word) const {
  std::vector<std::string> candidates;
  for (const auto& n : names())
    if (n.size() >= 2)
      candidates.push_back(n);  // `?` and `@` are typed on purpose, never suggested
  return util::closest(word, candidates);
}

Args::Args(const Args& o)
    : words(o.words), flags(o.flags), rest(o.rest), target(o.target), nodes(o.nodes) {
  if (!o.held_.empty()) hold(o.nodes);
}

void Args::hold(const std::vector<const Node*>& resolved) {
  Nodes copies;
  copies.reserve(resolved.size());
  for (const Node* n : resolved) copies.push_back(*n);
  held_ = std::move(copies);
  nodes.clear();
  for (const Node& n : held_) nodes.push_back(&n);
}

void parse_args(const Command& c, const std::string& rest, Args* out,
                std::vector<std::string>* raw) {
  out->rest = rest;
  bool only_positionals = false;
  for (auto& w : split_words(rest)) {
    if (!only_positionals && w.raw == "--") {
      only_positionals = true;
      continue;
    }
    const std::string& f = w.raw;
    if (!only_positionals && f.size() > 1 && f[0] == '-' && !(f[1] >= '0' && f[1] <= '9')) {
      auto it = std::find_if(c.flags.begin(), c.flags.end(), [&](const Flag& fl) {
        return fl.long_name == f || (!fl.short_name.empty() && fl.short_name == f);
      });
      if (it == c.flags.end()) throw UsageError(fmt::format("unknown option '{}'", f));
      out->flags.insert(it->long_name);
      continue;
    }
    out->words.push_back(std::move(w.text));
    if (raw) raw->push_back(std::move(w.raw));
  }
}

}  // namespace dust::shell
