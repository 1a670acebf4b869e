// A node's output split into lines: complete lines go out at once, a partial line waits for more
// (or for the idle flush the session schedules), and a line never grows past a bound (cut in
// chunks).
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace dust::ssh {

// The longest line kept whole (README: a longer one is printed as 1 MiB pieces, each a line).
constexpr size_t kMaxLine = 1u << 20;

class LineBuffer {
 public:
  using LineFn = std::function<void(std::string_view)>;

  explicit LineBuffer(size_t max_line = kMaxLine) : max_line_(max_line) {}

  // Emits every complete line (without its "\n" or "\r\n") and every max_line chunk of an overlong
  // one.
  void feed(std::string_view data, const LineFn& line);
  bool has_partial() const { return !partial_.empty(); }
  // The partial line so far, cleared (a prompt such as `Continue? [Y/n] `).
  std::string take_partial();
  void clear() { partial_.clear(); }

 private:
  size_t max_line_;
  std::string partial_;
};

}  // namespace dust::ssh
