// Fuzzes the reading of a node's byte stream (ssh/prompt_scanner, ssh/line_buffer, util/sanitise):
// the result must not depend on how the bytes were split into chunks, as the network splits them at
// will. Input: the first byte picks chunk sizes, the rest is the stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ssh/line_buffer.h"
#include "ssh/prompt_scanner.h"
#include "util/sanitise.h"

namespace {

// What the sanitiser lets through: no control byte but tab and the ESC of plain colour SGR.
void check_sanitised(std::string_view l) {
  std::string t = dust::util::terminal_line(l), f = dust::util::file_line(l);
  for (char c : dust::util::strip_sgr(t) + f + dust::util::escape_controls(l))
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) __builtin_trap();
}

const std::string kNonce =
    "\x1e"
    "DuStfeedface";

struct Seen {
  std::string out;            // scanner output, concatenated
  std::vector<int> statuses;  // markers, in order
  std::vector<std::string> lines;
  std::string held, partial;
};

Seen run(std::string_view stream, size_t step_seed) {
  Seen s;
  dust::ssh::PromptScanner scanner(kNonce);
  dust::ssh::LineBuffer lines(64);  // small, so overlong lines are cut often
  auto on_line = [&](std::string_view l) {
    s.lines.emplace_back(l);
    check_sanitised(l);
  };
  auto on_out = [&](std::string_view o) {
    s.out.append(o);
    lines.feed(o, on_line);
  };
  auto on_done = [&](int status) { s.statuses.push_back(status); };
  size_t pos = 0, k = step_seed;
  while (pos < stream.size()) {
    size_t n = step_seed ? 1 + (k % 17) : stream.size();
    k = k * 31 + 7;
    n = std::min(n, stream.size() - pos);
    scanner.feed(stream.substr(pos, n), on_out, on_done);
    pos += n;
  }
  s.held = scanner.held();
  s.partial = lines.take_partial();
  check_sanitised(s.partial);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  Seen whole = run(stream, 0);
  Seen split = run(stream, data[0] | 1);
  if (whole.out != split.out || whole.statuses != split.statuses || whole.lines != split.lines ||
      whole.held != split.held || whole.partial != split.partial)
    __builtin_trap();  // chunking changed what dust shows
  return 0;
}
