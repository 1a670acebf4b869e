// LineBuffer: line splitting (what a terminal may show of a line: util/sanitise.h).
#include "ssh/line_buffer.h"

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

}  // namespace dust::ssh
