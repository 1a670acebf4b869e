// "Did you mean": the closest of some names to a mistyped word. Pure.
#pragma once
#include <string>
#include <vector>

namespace dust::util {

// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
size_t edit_distance(const std::string& a, const std::string& b);
// The name closest to `word` within a small edit distance (1 for words of up to 4 characters, else
// 2), or "". A one-letter word suggests nothing (it is one edit from every one-letter name).
std::string closest(const std::string& word, const std::vector<std::string>& names);

}  // namespace dust::util
