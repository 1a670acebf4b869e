// Where every command's output goes. While the REPL shows its prompt, asynchronous output (ssh lines,
// logs) clears the line being typed, prints, and redraws it, so nothing is corrupted.
#pragma once
#include <string>
#include <string_view>

namespace dust::shell {

class Printer {
 public:
  void out(std::string_view text);  // stdout
  void err(std::string_view text);  // stderr
  // Set by the REPL: true while readline's prompt and typed line are on screen.
  void set_prompt_visible(bool v) { prompt_visible_ = v; }
  bool prompt_visible() const { return prompt_visible_; }

 private:
  void write(int fd, std::string_view text);
  bool prompt_visible_ = false;
};

}  // namespace dust::shell
