// Fuzzes the checks on names from outside (transfer/remote_name): the components of a name in a
// node's tar stream (separated by NUL here) and a Name tag. A component that is accepted stays one
// level below the local directory; a node's folder is always one printable component; a quoted
// name holds no control byte. (Whole tar streams: tree_stream_fuzz.)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "transfer/remote_name.h"

namespace {

// The path `dir/name` after lexical '.'/'..' resolution, as the kernel would walk it (no symlinks:
// dust creates none), has exactly one more component than `dir`.
bool one_level_below(const std::string& name) {
  std::vector<std::string> parts{"out", "node"};
  const size_t base = parts.size();
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t slash = name.find('/', pos);
    if (slash == std::string::npos) slash = name.size();
    std::string c = name.substr(pos, slash - pos);
    if (c == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
    } else if (!c.empty() && c != ".") {
      parts.push_back(c);
    }
    pos = slash + 1;
  }
  return parts.size() == base + 1 && name.front() != '/';
}

void check_component(const std::string& s) {
  if (s.empty() || s == "." || s == ".." || s.find('/') != std::string::npos) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> names;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\0', pos);
    if (end == std::string_view::npos) end = text.size();
    names.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  for (const std::string& n : names) {
    if (!dust::transfer::unsafe_name_reason(n).empty()) continue;
    check_component(n);
    if (!one_level_below(n)) __builtin_trap();
  }
  std::string dir = dust::transfer::node_dir_name(text, "i-0123456789abcdef0");
  check_component(dir);
  for (unsigned char c : dir)
    if (c < 0x20 || c == 0x7f) __builtin_trap();
  std::string q = dust::transfer::quote_name(text);
  for (unsigned char c : q)
    if (c < 0x20 || c == 0x7f) __builtin_trap();
  return 0;
}
