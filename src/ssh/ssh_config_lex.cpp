// OpenSSH's config lexer, patterns and %-token expansion (misc.c, match.c), rewritten for
// std::string with the same results.
#include "ssh/ssh_config_lex.h"

#include <cctype>
#include <cstring>

namespace dust::ssh::cfg {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::string> strdelim(const std::string& s, size_t& pos, bool* bad_quote,
                                    bool split_equals) {
  if (pos == std::string::npos) return std::nullopt;
  size_t old = pos;
  const char* set = split_equals ? " \t\r\n\"=" : " \t\r\n\"";
  size_t hit = s.find_first_of(set, pos);
  if (hit == std::string::npos) {
    pos = std::string::npos;
    return s.substr(old);
  }
  auto skip_ws = [&](size_t from) {
    size_t p = s.find_first_not_of(kWhitespace, from);
    return p == std::string::npos ? s.size() : p;
  };
  if (s[hit] == '"') {
    // ssh drops the opening quote and ends the word at the next quote.
    std::string word = s.substr(old, hit - old);
    size_t close = s.find('"', hit + 1);
    if (close == std::string::npos) {
      if (bad_quote) *bad_quote = true;
      pos = std::string::npos;
      return std::nullopt;
    }
    word += s.substr(hit + 1, close - hit - 1);
    pos = skip_ws(close + 1);
    return word;
  }
  bool wspace = split_equals && s[hit] == '=';
  std::string word = s.substr(old, hit - old);
  pos = skip_ws(hit + 1);
  if (split_equals && pos < s.size() && s[pos] == '=' && !wspace) pos = skip_ws(pos + 1);
  return word;
}

bool argv_split(const std::string& s, std::vector<std::string>& out) {
  out.clear();
  size_t i = 0, n = s.size();
  while (i < n) {
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    if (s[i] == '#') break;
    char quote = 0;
    std::string arg;
    for (; i < n; ++i) {
      char c = s[i];
      if (c == '\\') {
        char d = i + 1 < n ? s[i + 1] : '\0';
        if (d == '\'' || d == '"' || d == '\\' || (quote == 0 && d == ' '))
          ++i, arg += d;
        else
          arg += c;
      } else if (quote == 0 && (c == ' ' || c == '\t')) {
        break;
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      } else {
        arg += c;
      }
    }
    if (i >= n && quote != 0) return false;
    out.push_back(std::move(arg));
  }
  return true;
}

bool match_pattern(const char* s, const char* pattern) {
  for (;;) {
    if (!*pattern) return !*s;
    if (*pattern == '*') {
      while (*pattern == '*') pattern++;
      if (!*pattern) return true;
      if (*pattern != '?') {
        for (; *s; s++)
          if (*s == *pattern && match_pattern(s + 1, pattern + 1)) return true;
        return false;
      }
      for (; *s; s++)
        if (match_pattern(s, pattern)) return true;
      return false;
    }
    if (!*s) return false;
    if (*pattern != '?' && *pattern != *s) return false;
    s++;
    pattern++;
  }
}

int match_pattern_list(const std::string& s, const std::string& list, bool dolower) {
  bool positive = false;
  size_t i = 0, len = list.size();
  while (i < len) {
    bool negated = list[i] == '!';
    if (negated) ++i;
    std::string sub;
    while (i < len && list[i] != ',') {
      char c = list[i++];
      sub += dolower ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
    }
    if (sub.size() >= 1023) return 0;  // ssh gives up on a sub-pattern over its buffer
    if (i < len && list[i] == ',') ++i;
    if (match_pattern(s.c_str(), sub.c_str())) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

bool match_hostname(const std::string& host, const std::string& list) {
  return match_pattern_list(lower(host), list, true) == 1;
}

std::optional<std::string> percent_expand(
    const std::string& s, const std::map<char, std::string>& tokens, std::string* error,
    const std::function<std::optional<std::string>(const std::string&)>* getenv) {
  std::string out;
  bool missing = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (getenv && s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      size_t end = s.find('}', i + 2);
      if (end == std::string::npos) {
        if (error) *error = "environment variable '" + s.substr(i + 2) + "' missing closing '}'";
        return std::nullopt;
      }
      std::string var = s.substr(i + 2, end - i - 2);
      if (var.empty()) {
        if (error) *error = "zero-length environment variable";
        return std::nullopt;
      }
      if (auto v = (*getenv)(var)) {
        out += *v;
      } else {
        if (error) *error = "env var ${" + var + "} has no value";
        missing = true;
      }
      i = end;
      continue;
    }
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    ++i;
    if (i >= s.size()) {
      if (error) *error = "invalid format (a % ends the string)";
      return std::nullopt;
    }
    if (s[i] == '%') {
      out += '%';
      continue;
    }
    auto it = tokens.find(s[i]);
    if (it == tokens.end()) {
      if (error) *error = std::string("unknown key %") + s[i];
      return std::nullopt;
    }
    out += it->second;
  }
  if (missing) return std::nullopt;
  return out;
}

}  // namespace dust::ssh::cfg
