// Fuzzes the command-line word splitter (shell/command_table split_words): any line splits or is
// refused with a usage error; words are never empty as typed, and splitting a word's raw form again
// gives that one word back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "shell/command_table.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  std::vector<dust::shell::Word> words;
  try {
    words = dust::shell::split_words(line);
  } catch (const dust::Error&) {
    return 0;
  }
  for (const auto& w : words) {
    if (w.raw.empty()) __builtin_trap();
    auto again = dust::shell::split_words(w.raw);
    if (again.size() != 1 || again[0].text != w.text) __builtin_trap();
  }
  return 0;
}
