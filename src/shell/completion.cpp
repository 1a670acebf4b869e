// Completion candidates from the command table and the node cache (completion.h).
#include "shell/completion.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "cluster/cluster_file.h"
#include "select/target.h"
#include "shell/command_table.h"
#include "shell/context.h"
#include "util/error.h"

namespace dust::shell {
namespace {

std::vector<std::string> node_names(Context& ctx, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& set : select::set_names())  // :failed, :ok
    if (set.rfind(prefix, 0) == 0 && !prefix.empty()) out.push_back(set);
  if (!ctx.have_nodes()) return out;  // never block on the cloud while typing
  for (const Node& n : ctx.nodes()) {
    const std::string& l = n.label();
    if (!l.empty() && l.rfind(prefix, 0) == 0) out.push_back(l);
  }
  return out;
}

}  // namespace

CompleteKind completion_for(const Command& c, const std::string& before) {
  if (c.complete.empty()) return CompleteKind::None;
  size_t n = 0;  // words typed after the command name (flags do not count)
  try {
    auto words = split_words(before);
    for (size_t i = 1; i < words.size(); ++i)
      if (words[i].raw.size() < 2 || words[i].raw[0] != '-') ++n;
  } catch (const Error&) {
    return CompleteKind::None;  // inside an unclosed quote
  }
  return c.complete[std::min(n, c.complete.size() - 1)];
}

Candidates candidates(Context& ctx, const std::string& before, const std::string& word) {
  Candidates out;
  std::vector<std::string>& m = out.matches;
  bool first = before.find_first_not_of(" \t") == std::string::npos;
  if (first && !word.empty() && word[0] == '@') {
    size_t ats = word.rfind("@@", 0) == 0 ? 2 : 1;  // `@@node` (gathered) completes as `@node`
    for (auto& n : node_names(ctx, word.substr(ats))) m.push_back(word.substr(0, ats) + n);
  } else if (first) {
    for (auto& n : CommandTable::instance().names())
      if (n.rfind(word, 0) == 0) m.push_back(n);
  } else {
    std::string cmd = before.substr(before.find_first_not_of(" \t"));
    cmd = cmd.substr(0, cmd.find_first_of(" \t"));
    const Command* c = CommandTable::instance().find(cmd);
    CompleteKind kind = c ? completion_for(*c, before) : CompleteKind::Files;
    if (kind == CompleteKind::Files) out.files = true;
    if (kind == CompleteKind::Nodes) m = node_names(ctx, word);
    if (kind == CompleteKind::Clusters || kind == CompleteKind::Places)
      for (const auto& entry : cluster::list_clusters())
        if (entry.error.empty() && entry.name.rfind(word, 0) == 0) m.push_back(entry.name);
    if (kind == CompleteKind::Places)
      for (const auto& r : ctx.known_regions())
        if (r.rfind(word, 0) == 0) m.push_back(r);
    if (kind == CompleteKind::Commands)
      for (auto& n : CommandTable::instance().names())
        if (n.rfind(word, 0) == 0) m.push_back(n);
  }
  return out;
}

void setup_completion(Context& ctx) {
  setup_completion([&ctx](const std::string& before, const std::string& word) {
    return candidates(ctx, before, word);
  });
}

}  // namespace dust::shell
