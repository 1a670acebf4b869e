// split_words, one_shot_line, first_word_end (words.h).
#include "shell/words.h"

#include <fmt/format.h>

#include "shell/command.h"

namespace dust::shell {

std::vector<Word> split_words(const std::string& line) {
  std::vector<Word> out;
  Word cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      cur.raw.push_back(c);
      if (c == quote) {
        quote = 0;
      } else if (quote == '"' && c == '\\' && i + 1 < line.size() &&
                 (line[i + 1] == '"' || line[i + 1] == '\\')) {
        cur.raw.push_back(line[++i]);
        cur.text.push_back(line[i]);
      } else {
        cur.text.push_back(c);
      }
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(std::move(cur)), cur = Word{}, in_word = false;
      continue;
    }
    in_word = true;
    cur.raw.push_back(c);
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '\\' && i + 1 < line.size() &&
               (line[i + 1] == ' ' || line[i + 1] == '\t' || line[i + 1] == '"' ||
                line[i + 1] == '\'' || line[i + 1] == '\\')) {
      cur.raw.push_back(line[++i]);
      cur.text.push_back(line[i]);
    } else {
      cur.text.push_back(c);
    }
  }
  if (quote) throw UsageError(fmt::format("unclosed quote {} in '{}'", quote, line));
  if (in_word) out.push_back(std::move(cur));
  return out;
}

std::string one_shot_line(const std::vector<std::string>& args) {
  if (args.size() == 1) return args[0];
  bool as_typed = !args.empty() && !args[0].empty() && (args[0][0] == '@' || args[0][0] == '!');
  std::string line;
  for (const auto& w : args) {
    std::string word = w;
    if (!as_typed) {
      bool one_word = false;
      try {
        auto split = split_words(w);
        one_word = split.size() == 1;
      } catch (const UsageError&) {
      }
      if (w.empty()) {
        word = "''";
      } else if (!one_word && w.find_first_of("'\"\\") == std::string::npos) {
        word = "'" + w + "'";  // blanks only: quoted, as the target language reads quotes too
      } else if (!one_word) {
        word.clear();  // a lone quote or a backslash with blanks: each escaped
        for (char c : w) {
          if (c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '\\') word += '\\';
          word += c;
        }
      }
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return line;
}

size_t first_word_end(const std::string& line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (quote == '"' && c == '\\')
        ++i;
    } else if (c == ' ' || c == '\t') {
      return i;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '\\') {
      ++i;
    }
  }
  return std::string::npos;
}

}  // namespace dust::shell
