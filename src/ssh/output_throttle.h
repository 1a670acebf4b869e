// A node's command output split into lines, with flood control for the interactive shell: when a
// node prints faster than a person can read, whole lines are counted instead of shown (exactly),
// and the count is reported when the command ends. One-shot and script mode show everything
// (summarise=false).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ssh/line_buffer.h"

namespace dust::ssh {

class OutputThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  using LineFn = std::function<void(std::string_view)>;
  using NoticeFn = std::function<void(const std::string&)>;

  struct Limits {
    bool summarise = false;  // false: every line is shown (the reader's pace slows the channel)
    size_t burst_bytes = 16u << 20;
    size_t rate_bytes_per_s = 8u << 20;
  };

  explicit OutputThrottle(Limits limits, size_t max_line = kMaxLine);

  // Splits `data` (command output, markers already removed) into lines for `show`. While flooding,
  // lines are counted instead: never half a line shown, never an empty line made from a cut one.
  void feed(std::string_view data, Clock::time_point now, const LineFn& show,
            const NoticeFn& notice);
  bool has_partial() const { return lines_.has_partial(); }
  std::string take_partial() { return lines_.take_partial(); }  // a prompt-like tail, shown as is
  // The command ended: its unterminated last line is shown (or counted), and a flood is summarised
  // with the exact number of lines not shown. The next command starts unthrottled (tokens
  // permitting).
  void end_command(Clock::time_point now, const LineFn& show, const NoticeFn& notice);
  void reset();  // a new shell: nothing pending
  // Whether floods are summarised from now on: per command, as its client wants (interactive).
  void set_summarise(bool on) { limits_.summarise = on; }
  // Congested: whoever shows the lines cannot take more now (a slow terminal): while summarising,
  // lines are counted as in a flood until it can.
  void set_congested(bool on) { congested_ = on; }

  uint64_t dropped_lines() const { return dropped_lines_; }

 private:
  bool covers(size_t n, Clock::time_point now);  // refills the bucket; true if n bytes may be shown
  void offer(std::string_view line, Clock::time_point now, const LineFn& show,
             const NoticeFn& notice);
  void drop_chunk(std::string_view data, Clock::time_point now, const NoticeFn& notice);
  void progress(Clock::time_point now, const NoticeFn& notice);

  Limits limits_;
  bool congested_ = false;
  LineBuffer lines_;
  double tokens_;
  Clock::time_point refill_at_{};
  bool skipping_ = false;  // the current line was partly counted as dropped: drop the rest of it
  uint64_t dropped_bytes_ = 0, dropped_lines_ = 0;
  Clock::time_point last_notice_{};
};

}  // namespace dust::ssh
