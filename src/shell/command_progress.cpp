// command_progress (command_progress.h).
#include "shell/command_progress.h"

#include <fmt/format.h>

#include "util/fold.h"

namespace dust::shell {

std::string command_progress(const std::vector<ssh::NodeResult>& results, double seconds,
                             size_t width) {
  size_t done = 0, failed = 0;
  std::vector<std::string> running;
  for (const auto& r : results) {
    if (!r.finished)
      running.push_back(r.node);
    else if (!r.error.empty() || r.status != 0)
      ++failed;
    else
      ++done;
  }
  std::string s = fmt::format("@ {}/{} done", done + failed, results.size());
  if (failed) s += fmt::format(" · {} failed", failed);
  std::string tail = fmt::format(" · {:.0f} s", seconds);
  if (!running.empty()) {
    std::string names = fold_names(running);
    std::string head = fmt::format(" · {} running: ", running.size());
    // Columns, not bytes: '·' and '…' are one column each but three bytes.
    auto cols = [](const std::string& t) {
      size_t n = 0;
      for (unsigned char c : t) n += (c & 0xC0) != 0x80;
      return n;
    };
    size_t room = width > cols(s) + cols(head) + cols(tail) + 1
                      ? width - cols(s) - cols(head) - cols(tail) - 1
                      : 0;
    if (names.size() > room) names = room > 1 ? names.substr(0, room - 1) + "…" : "";
    s += names.empty() ? fmt::format(" · {} running", running.size()) : head + names;
  }
  return s + tail;
}

}  // namespace dust::shell
