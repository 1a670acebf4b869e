// History (history.h) with readline's history library.
#include "shell/history.h"

#include <readline/history.h>

#include "util/paths.h"

namespace dust::shell {
namespace {
std::string g_history;
}

void open_history() {
  g_history = paths::join(paths::ensure_dust_home(), "history");
  using_history();
  if (read_history(g_history.c_str()) != 0)
    write_history(g_history.c_str());  // append needs a file
}

void remember(const std::string& text) {
  if (text.find_first_not_of(" \t") == std::string::npos) return;
  add_history(text.c_str());
  append_history(1, g_history.c_str());
}

void close_history() { history_truncate_file(g_history.c_str(), 5000); }

}  // namespace dust::shell
