// NodeOutput (see node_output.h).
#include "shell/node_output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

namespace dust::shell {

bool NodeOutput::colour_wanted(int fd) {
  const char* no = std::getenv("NO_COLOR");
  return isatty(fd) && !(no && *no);
}

std::string NodeOutput::prefix(const std::string& key, std::string_view label) {
  if (!colour_) return fmt::format("[{}]", label);
  auto [it, fresh] = colours_.try_emplace(key, static_cast<int>(colours_.size()));
  // The six non-grey ANSI foreground colours (31 red … 36 cyan), in turn.
  return fmt::format("\x1b[{}m[{}]\x1b[0m", 31 + it->second % 6, label);
}

std::string NodeOutput::line(const std::string& key, std::string_view label,
                             std::string_view text) {
  return fmt::format("{} {}\n", prefix(key, label), text);
}

std::string NodeOutput::notice(const std::string& key, std::string_view label,
                               std::string_view text) {
  return fmt::format("{} {}\n", prefix(key, label), text);
}

std::string NodeOutput::error(const std::string& key, std::string_view label,
                              std::string_view message) {
  return fmt::format("{} error: {}\n", prefix(key, label), message);
}

}  // namespace dust::shell
