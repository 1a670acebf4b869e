// Fuzzes the reading of known_hosts lines (ssh/known_hosts_list, parsed by libssh): any text,
// hashed entries and markers included, yields keys or nothing, never a crash. No file system.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "ssh/known_hosts_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (auto [host, port] : {std::pair<const char*, int>{"10.0.0.5", 22}, {"web.example", 2222}}) {
    std::istringstream in(text);
    for (const auto& k : dust::ssh::known_keys_in(in, host, port))
      if (k.type.empty() || k.fingerprint.empty()) __builtin_trap();
  }
  return 0;
}
