// OutputThrottle: a token bucket over shown bytes, whole-line accounting of what is not shown.
#include "ssh/output_throttle.h"

#include <fmt/format.h>

#include <algorithm>

namespace dust::ssh {

using namespace std::chrono_literals;

namespace {
// Each shown line costs at least this many bytes: printing a line has a fixed cost (prefix, write),
// so a flood of short lines (`yes`) is limited too.
constexpr size_t kLineCost = 64;
constexpr auto kProgressEvery = 2s;
}  // namespace

OutputThrottle::OutputThrottle(Limits limits, size_t max_line)
    : limits_(limits), lines_(max_line), tokens_(static_cast<double>(limits.burst_bytes)) {}

void OutputThrottle::reset() {
  lines_.clear();
  skipping_ = false;
  dropped_bytes_ = dropped_lines_ = 0;
}

bool OutputThrottle::covers(size_t n, Clock::time_point now) {
  double elapsed = std::chrono::duration<double>(now - refill_at_).count();
  refill_at_ = now;
  tokens_ = std::min<double>(static_cast<double>(limits_.burst_bytes),
                             tokens_ + elapsed * static_cast<double>(limits_.rate_bytes_per_s));
  return !congested_ && tokens_ >= static_cast<double>(n);
}

void OutputThrottle::feed(std::string_view data, Clock::time_point now, const LineFn& show,
                          const NoticeFn& notice) {
  if (!limits_.summarise) return lines_.feed(data, show);
  if (dropped_lines_ + (skipping_ ? 1 : 0) > 0 && !covers(data.size(), now)) {
    // Still flooding: count the chunk instead of splitting it line by line (a 1 GB flood is 500M
    // lines; per-line work would make dust itself the bottleneck).
    return drop_chunk(data, now, notice);
  }
  if (skipping_) {
    size_t nl = data.find('\n');
    if (nl == std::string_view::npos) {
      dropped_bytes_ += data.size();
      return;
    }
    skipping_ = false;
    ++dropped_lines_;
    dropped_bytes_ += nl + 1;
    data.remove_prefix(nl + 1);
  }
  lines_.feed(data, [&](std::string_view l) { offer(l, now, show, notice); });
}

void OutputThrottle::drop_chunk(std::string_view data, Clock::time_point now,
                                const NoticeFn& notice) {
  // Every "\n" ends one line, and none of those lines is shown (a partial one held in the buffer
  // included); a chunk ending mid-line leaves that line to be dropped up to its end.
  auto nl = static_cast<uint64_t>(std::count(data.begin(), data.end(), '\n'));
  std::string held = lines_.take_partial();
  dropped_bytes_ += held.size() + data.size();
  dropped_lines_ += nl;
  if (!data.empty()) skipping_ = data.back() != '\n';
  progress(now, notice);
}

void OutputThrottle::offer(std::string_view line, Clock::time_point now, const LineFn& show,
                           const NoticeFn& notice) {
  if (covers(line.size() + kLineCost, now)) {
    tokens_ -= static_cast<double>(line.size() + kLineCost);
    return show(line);
  }
  if (dropped_lines_ == 0 && !skipping_) {
    last_notice_ = now;
    notice("output faster than can be shown: summarising");
  }
  ++dropped_lines_;
  dropped_bytes_ += line.size() + 1;
  progress(now, notice);
}

void OutputThrottle::progress(Clock::time_point now, const NoticeFn& notice) {
  if (now - last_notice_ < kProgressEvery) return;
  last_notice_ = now;
  notice(
      fmt::format("… {:.1f} MB not shown so far", static_cast<double>(dropped_bytes_) / 1048576.0));
}

void OutputThrottle::end_command(Clock::time_point now, const LineFn& show,
                                 const NoticeFn& notice) {
  if (skipping_) {
    skipping_ = false;
    ++dropped_lines_;  // the unterminated last line, partly counted already
  } else if (lines_.has_partial()) {
    std::string last = lines_.take_partial();
    if (limits_.summarise)
      offer(last, now, show, notice);
    else
      show(last);
  }
  if (dropped_lines_)
    notice(fmt::format("{} lines ({:.1f} MB) of output not shown (output flood)", dropped_lines_,
                       static_cast<double>(dropped_bytes_) / 1048576.0));
  dropped_lines_ = dropped_bytes_ = 0;
}

}  // namespace dust::ssh
