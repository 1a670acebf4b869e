// Fuzzes the JSON lines writer (shell/json_lines): every record is one line that nlohmann parses
// back to the same values: node lines (sanitised text) exactly, any other string exactly when it is
// valid UTF-8 (invalid bytes become U+FFFD, never a throw).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "shell/json_lines.h"
#include "util/sanitise.h"
#include "util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  std::string line = dust::util::strip_sgr(dust::util::terminal_line(s));
  std::string rec = dust::shell::json_record({{"node", s}, {"line", line}, {"exit", 3}});
  if (rec.empty() || rec.back() != '\n' || rec.find('\n') != rec.size() - 1) __builtin_trap();
  nlohmann::json back = nlohmann::json::parse(rec);
  if (back["line"].get<std::string>() != line) __builtin_trap();
  if (back["exit"].get<int>() != 3) __builtin_trap();
  if (dust::util::first_invalid_utf8(s) == std::string_view::npos &&
      back["node"].get<std::string>() != s)
    __builtin_trap();
  std::string sum = dust::shell::json_record(dust::shell::summary_record(1, {s, line}));
  nlohmann::json::parse(sum);
  return 0;
}
