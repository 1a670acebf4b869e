// Where every command's output goes. While the REPL shows its prompt, asynchronous output (ssh lines,
// logs) clears the line being typed, prints, and redraws it, so nothing is corrupted.
//
// High-rate output (node lines) is queued and written in one go at the end of each event-loop turn
// (or when 64 KiB are waiting): a flood costs one write per turn, not one per line. Anything written
// directly (out/err) first flushes the queue, so order is kept.
#pragma once
#include <string>
#include <string_view>

namespace dust::shell {

class Printer {
 public:
  void out(std::string_view text);  // stdout, now
  void err(std::string_view text);  // stderr, now
  // Queues `prefix` + " " + text + "\n" for stdout.
  void queue_line(std::string_view prefix, std::string_view text);
  void flush();  // writes what is queued
  // Set by the REPL: true while readline's prompt and typed line are on screen.
  void set_prompt_visible(bool v) { prompt_visible_ = v; }
  bool prompt_visible() const { return prompt_visible_; }

 private:
  void write(int fd, std::string_view text);
  bool prompt_visible_ = false;
  std::string queued_;
};

}  // namespace dust::shell
