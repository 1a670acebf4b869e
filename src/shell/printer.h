// Where every command's output goes. While the REPL shows its prompt, asynchronous output (ssh
// lines, logs) clears the line being typed, prints, and redraws it, so nothing is corrupted.
//
// High-rate output (node lines) is queued and written in one go at the end of each event-loop turn
// (or when 64 KiB are waiting): a flood costs one write per turn, not one per line. Anything
// written directly (out/err) first flushes the queue, so order is kept.
#pragma once
#include <string>
#include <string_view>
#include <utility>

namespace dust::shell {

// Where the printer's bytes end up: the terminal (default: stdout/stderr, readline-aware) or, in
// tests, a string (StringSink), so a command's exact output can be checked without a terminal.
class OutputSink {
 public:
  enum class Stream { Out, Err };
  virtual ~OutputSink() = default;
  virtual void write(Stream s, std::string_view text) = 0;
  // A node's output line (with its prefix and newline). A sink that routes by node (a dust server:
  // each node's output to the client whose command it is) says so with routes_nodes().
  virtual bool routes_nodes() const { return false; }
  virtual void node_line(const std::string& /*node_key*/, std::string_view line) {
    write(Stream::Out, line);
  }
  virtual void flush() {}
};

// Keeps stdout and stderr in one string, in the order written (a transcript).
class StringSink : public OutputSink {
 public:
  void write(Stream, std::string_view text) override { text_.append(text); }
  std::string take() { return std::exchange(text_, {}); }

 private:
  std::string text_;
};

class Printer {
 public:
  // nullptr (the default) = the process's stdout and stderr.
  void set_sink(OutputSink* sink) { sink_ = sink; }
  void out(std::string_view text);  // stdout, now
  void err(std::string_view text);  // stderr, now
  // Queues `prefix` + " " + text + "\n" for stdout (node `node_key`'s output).
  void queue_line(std::string_view prefix, std::string_view text, const std::string& node_key = {});
  void flush();  // writes what is queued
  // A status line on stderr (a command's live progress): output clears it first, so the two never
  // mix; the next set_status draws it again (call it a few times a second). "" removes it.
  void set_status(std::string text);
  // Set by the REPL: true while readline's prompt and typed line are on screen.
  void set_prompt_visible(bool v) { prompt_visible_ = v; }
  bool prompt_visible() const { return prompt_visible_; }

 private:
  void write(int fd, std::string_view text);
  void emit(int fd, std::string_view text);
  void hide_status();
  OutputSink* sink_ = nullptr;
  std::string status_;
  bool status_shown_ = false;
  bool prompt_visible_ = false;
  std::string queued_;
};

}  // namespace dust::shell
