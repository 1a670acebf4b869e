// readline completion.
#include "shell/completion.h"

#include <readline/readline.h>

#include <algorithm>
#include <cstring>
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

std::function<Candidates(const std::string&, const std::string&)> g_source;
std::vector<std::string> g_matches;
size_t g_index = 0;

char* next_match(const char*, int state) {
  if (state == 0) g_index = 0;
  if (g_index < g_matches.size()) return strdup(g_matches[g_index++].c_str());
  return nullptr;
}

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

char** complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1;
  Candidates c = g_source(std::string(rl_line_buffer, start), text);
  if (c.files) {
    rl_attempted_completion_over = 0;  // readline's filename completion
    return nullptr;
  }
  g_matches = std::move(c.matches);
  if (g_matches.empty()) return nullptr;
  return rl_completion_matches(text, next_match);
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

void setup_completion(
    std::function<Candidates(const std::string& before, const std::string& word)> source) {
  g_source = std::move(source);
  rl_basic_word_break_characters = const_cast<char*>(" \t\n");
  rl_attempted_completion_function = complete;
}

}  // namespace dust::shell
