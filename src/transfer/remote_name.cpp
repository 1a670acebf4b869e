// Checks on names from outside (see remote_name.h).
#include "transfer/remote_name.h"

#include <fmt/format.h>

namespace dust::transfer {

std::string unsafe_name_reason(std::string_view name) {
  if (name.empty()) return "an empty name";
  if (name == "." || name == "..") return "not a file name ('.' and '..' are the directories)";
  if (name.find('/') != std::string_view::npos) return "not one path component (it has a '/')";
  if (name.size() > 255) return "longer than 255 bytes";
  return "";
}

std::string node_dir_name(std::string_view label, std::string_view fallback) {
  // A backslash too: labels come escaped (`\x1b` for an escape byte in a Name tag), and a folder
  // named after the escaped form would pass for the node's real name.
  bool printable = true;
  for (unsigned char c : label) printable = printable && c >= 0x20 && c != 0x7f && c != '\\';
  if (printable && unsafe_name_reason(label).empty()) return std::string(label);
  return fallback.empty() ? std::string("unnamed") : std::string(fallback);
}

std::string quote_name(std::string_view name) {
  std::string q = "\"";
  for (unsigned char c : name) {
    switch (c) {
      case '"':
        q += "\\\"";
        break;
      case '\\':
        q += "\\\\";
        break;
      case '\n':
        q += "\\n";
        break;
      case '\r':
        q += "\\r";
        break;
      case '\t':
        q += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          q += fmt::format("\\x{:02x}", c);
        else
          q += static_cast<char>(c);
    }
  }
  return q + "\"";
}

std::string login_relative(const std::string& path) {
  if (path == "~") return "";
  if (path.rfind("~/", 0) == 0) return path.substr(2);
  return path;
}

}  // namespace dust::transfer
