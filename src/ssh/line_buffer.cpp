// LineBuffer and printable(): line splitting and terminal-safe text.
#include "ssh/line_buffer.h"

#include <fmt/format.h>

#include "util/utf8.h"

namespace dust::ssh {

void LineBuffer::feed(std::string_view data, const LineFn& line) {
  while (!data.empty()) {
    size_t nl = data.find('\n');
    std::string_view piece = data.substr(0, nl);  // whole rest when npos
    if (partial_.size() + piece.size() > max_line_) {
      // Cut an overlong line: emit max_line_ bytes, keep going with the rest (take may be 0).
      size_t take = max_line_ - partial_.size();
      partial_.append(piece.substr(0, take));
      line(partial_);
      partial_.clear();
      data.remove_prefix(take);
      continue;
    }
    if (nl == std::string_view::npos) {
      partial_.append(piece);
      return;
    }
    std::string_view text = piece;
    if (partial_.empty()) {
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      line(text);
    } else {
      partial_.append(piece);
      if (partial_.back() == '\r') partial_.pop_back();
      line(partial_);
      partial_.clear();
    }
    data.remove_prefix(nl + 1);
  }
}

std::string LineBuffer::take_partial() {
  std::string p = std::move(partial_);
  partial_.clear();
  return p;
}

namespace {

// Length of a valid UTF-8 sequence starting at s[i], or 0. C1 controls (U+0080-U+009F) count as
// invalid too: a terminal would act on them, so they are escaped like other control bytes.
size_t utf8_len(std::string_view s, size_t i) {
  size_t n = util::utf8_sequence_length(s, i);
  if (n == 2 && static_cast<unsigned char>(s[i]) == 0xC2 &&
      static_cast<unsigned char>(s[i + 1]) < 0xA0)
    return 0;
  return n;
}

}  // namespace

std::string printable(std::string_view line) {
  // What a terminal shows after a carriage return is the text written after it (progress bars).
  if (size_t cr = line.rfind('\r'); cr != std::string_view::npos && cr + 1 < line.size())
    line.remove_prefix(cr + 1);
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size();) {
    unsigned char c = line[i];
    if (c == 0x1b && i + 1 < line.size() && line[i + 1] == '[') {
      size_t j = i + 2;
      while (j < line.size() && static_cast<unsigned char>(line[j]) >= 0x30 &&
             static_cast<unsigned char>(line[j]) <= 0x3F)
        ++j;
      while (j < line.size() && static_cast<unsigned char>(line[j]) >= 0x20 &&
             static_cast<unsigned char>(line[j]) <= 0x2F)
        ++j;
      if (j < line.size() && static_cast<unsigned char>(line[j]) >= 0x40 &&
          static_cast<unsigned char>(line[j]) <= 0x7E) {
        if (line[j] == 'm')
          out.append(line.substr(i, j + 1 - i));  // colours pass, movement doesn't
        i = j + 1;
        continue;
      }
    } else if (c == 0x1b && i + 1 < line.size() && line[i + 1] == ']') {
      // OSC (window title...): up to BEL or ST; dropped.
      size_t j = i + 2;
      while (j < line.size() && line[j] != '\a' &&
             !(line[j] == 0x1b && j + 1 < line.size() && line[j + 1] == '\\'))
        ++j;
      if (j < line.size()) {
        i = j + (line[j] == '\a' ? 1 : 2);
        continue;
      }
    }
    if (c == '\t' || (c >= 0x20 && c < 0x7F)) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t n = c >= 0x80 ? utf8_len(line, i) : 0;
    if (n) {
      out.append(line.substr(i, n));
      i += n;
    } else {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    }
  }
  return out;
}

}  // namespace dust::ssh
