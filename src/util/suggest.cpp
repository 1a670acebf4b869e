// edit_distance, closest (suggest.h).
#include "util/suggest.h"

#include <algorithm>

namespace dust::util {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1), prev2(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])  // transposition
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  if (word.size() < 2) return best;
  size_t best_d = word.size() <= 4 ? 1 : 2;
  for (const auto& n : names) {
    size_t d = edit_distance(word, n);
    if (d <= best_d && (best.empty() || d < edit_distance(word, best))) best = n;
  }
  return best;
}

}  // namespace dust::util
