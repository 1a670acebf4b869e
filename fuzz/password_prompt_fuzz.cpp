// Fuzzes password prompt detection (shell/password_prompt) and the sanitiser (util/sanitise) on
// node bytes: any line is answered without a crash or a stack overflow (std::regex recursed per
// byte), and what the sanitiser lets through holds no control byte but tab and plain-colour SGR.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shell/password_prompt.h"
#include "util/sanitise.h"

namespace {

void check_clean(const std::string& s, bool sgr_allowed) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == 0x1b && sgr_allowed) {
      size_t m = s.find('m', i);
      if (m == std::string::npos || !dust::util::is_plain_sgr(s.substr(i + 2, m - i - 2)))
        __builtin_trap();
      i = m;
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7f) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dust::shell::PasswordPrompts prompts(
      {R"(Password for \S+: ?)", R"((?i).*passphrase.*:)", R"((a+)+b)"});
  std::string_view line(reinterpret_cast<const char*>(data), size);
  prompts.matches(line);
  prompts.asks_secret(line);
  std::string shown = dust::util::terminal_line(line);
  check_clean(shown, true);
  check_clean(dust::util::strip_sgr(shown), false);
  check_clean(dust::util::file_line(line), false);
  std::string name = dust::util::escape_controls(line);
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) __builtin_trap();
  if (dust::util::escape_controls(name) != name) __builtin_trap();  // idempotent
  return 0;
}
