// Fuzzes `tag`/`untag` arguments (shell/tag_args): any text parses into pairs/keys or is refused
// with a usage error naming it; parsed keys are never empty.
#include <cstddef>
#include <cstdint>
#include <string>

#include "shell/tag_args.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& [k, v] : dust::shell::parse_tag_pairs(text))
      if (k.empty()) __builtin_trap();
  } catch (const dust::Error&) {
  }
  try {
    for (const auto& k : dust::shell::parse_tag_keys(text))
      if (k.empty()) __builtin_trap();
  } catch (const dust::Error&) {
  }
  return 0;
}
