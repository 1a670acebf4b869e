// Log lines in the original's shape, `dust:<time> | message`, on stderr (or a sink the REPL
// installs).
#pragma once
#include <fmt/format.h>

#include <functional>
#include <string>
#include <vector>

namespace dust::log {

enum class Level { Error = 0, Warn = 1, Info = 2, Debug = 3 };

void set_level(Level l);
Level level();
bool parse_level(const std::string& s, Level* out);

// The REPL installs a writer that keeps the readline line intact; default writes to stderr.
void set_writer(std::function<void(const std::string&)> w);

void write(Level l, const std::string& msg);

// While a Capture lives, lines logged on its thread are kept in *into instead of written: a worker
// thread's logs, which the thread that owns the output replays (the writer is not thread-safe).
class Capture {
 public:
  explicit Capture(std::vector<std::string>* into);
  ~Capture();
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

 private:
  std::vector<std::string>* previous_;
};
void replay(const std::vector<std::string>& lines);

template <typename... A>
void info(fmt::format_string<A...> f, A&&... a) {
  if (level() >= Level::Info) write(Level::Info, fmt::format(f, std::forward<A>(a)...));
}
template <typename... A>
void debug(fmt::format_string<A...> f, A&&... a) {
  if (level() >= Level::Debug) write(Level::Debug, fmt::format(f, std::forward<A>(a)...));
}
template <typename... A>
void warn(fmt::format_string<A...> f, A&&... a) {
  if (level() >= Level::Warn) write(Level::Warn, fmt::format(f, std::forward<A>(a)...));
}
template <typename... A>
void error(fmt::format_string<A...> f, A&&... a) {
  write(Level::Error, fmt::format(f, std::forward<A>(a)...));
}

}  // namespace dust::log
