// readline glue for Tab completion (readline_completion.h).
#include "shell/readline_completion.h"

#include <readline/readline.h>

#include <cstring>
#include <utility>

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

void setup_completion(
    std::function<Candidates(const std::string& before, const std::string& word)> source) {
  g_source = std::move(source);
  rl_basic_word_break_characters = const_cast<char*>(" \t\n");
  rl_attempted_completion_function = complete;
}

}  // namespace dust::shell
