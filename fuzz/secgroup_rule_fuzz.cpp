// Fuzzes `secgroup allow|revoke` rules (shell/secgroup_rule): protocol, ports and source from the
// input (split at '\0') parse into a rule whose printed forms are made, or are refused by name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shell/secgroup_rule.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string part[3];
  for (auto& p : part) {
    size_t z = in.find('\0');
    p = std::string(in.substr(0, z));
    in.remove_prefix(z == std::string_view::npos ? in.size() : z + 1);
  }
  dust::shell::check_ipv4_cidr(part[2]);
  try {
    auto r = dust::shell::parse_rule(part[0], part[1], part[2]);
    dust::shell::protocol_label(r);
    dust::shell::ports_label(r);
    dust::shell::sources_label(r);
  } catch (const dust::Error&) {
  }
  return 0;
}
