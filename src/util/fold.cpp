// Node-name folding, ClusterShell style. Names fold on their last run of digits: names sharing the
// text before and after it form one group, printed as prefix[set]suffix; consecutive numbers with
// the same padding become ranges. Output is sorted by prefix, then suffix, then number.
#include "util/fold.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

namespace dust {
namespace {

constexpr size_t kMaxDigits = 18;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t ndigits(uint64_t v) {
  size_t n = 1;
  while (v >= 10) v /= 10, ++n;
  return n;
}

struct Num {
  uint64_t value;
  std::string text;  // as written, padding included
};

// "01,02,03,07,9,10" → "01-03,07,9-10". A run grows by value+1 while the padding agrees, so mixed
// paddings still fold ("0,1,00" → "0-1,00").
std::string fold_set(const std::vector<Num>& nums) {
  std::map<uint64_t, std::vector<std::string>> by_value;  // texts shortest first
  for (const Num& n : nums) by_value[n.value].push_back(n.text);
  for (auto& [v, texts] : by_value)
    std::sort(texts.begin(), texts.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });

  std::string out;
  for (auto it = by_value.begin(); it != by_value.end(); ++it) {
    while (!it->second.empty()) {
      std::string lo = it->second.front();
      it->second.erase(it->second.begin());
      size_t width = lo.size() > 1 && lo[0] == '0' ? lo.size() : 1;
      std::string hi;
      for (auto next = std::next(it);
           next != by_value.end() && next->first == std::prev(next)->first + 1; ++next) {
        auto& texts = next->second;
        auto fit = std::find_if(texts.begin(), texts.end(), [&](const std::string& t) {
          return t.size() == std::max(width, ndigits(next->first));
        });
        if (fit == texts.end()) break;
        hi = *fit;
        texts.erase(fit);
      }
      if (!out.empty()) out += ',';
      out += lo;
      if (!hi.empty()) out += '-' + hi;
    }
  }
  return out;
}

}  // namespace

std::string fold_names(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());

  // (prefix, suffix) → numbers; names without a usable number stand alone (empty set).
  std::map<std::pair<std::string, std::string>, std::vector<Num>> groups;
  std::vector<std::string> plain;
  for (const std::string& n : names) {
    if (n.empty()) continue;
    size_t e = n.size();
    while (e > 0 && !is_digit(n[e - 1])) --e;
    size_t b = e;
    while (b > 0 && is_digit(n[b - 1])) --b;
    if (b == e || e - b > kMaxDigits) {
      plain.push_back(n);
      continue;
    }
    uint64_t v = 0;
    for (size_t i = b; i < e; ++i) v = v * 10 + static_cast<uint64_t>(n[i] - '0');
    groups[{n.substr(0, b), n.substr(e)}].push_back({v, n.substr(b, e - b)});
  }

  // Sort key: (prefix, plain-before-group, suffix). Plain names use the whole name as prefix.
  std::vector<std::tuple<std::string, int, std::string, std::string>> entries;
  for (const std::string& p : plain) entries.emplace_back(p, 0, "", p);
  for (auto& [ps, nums] : groups) {
    const auto& [prefix, suffix] = ps;
    std::string text = nums.size() == 1 ? prefix + nums[0].text + suffix
                                        : prefix + "[" + fold_set(nums) + "]" + suffix;
    entries.emplace_back(prefix, 1, suffix, std::move(text));
  }
  std::sort(entries.begin(), entries.end());

  std::string out;
  for (const auto& e : entries) {
    if (!out.empty()) out += ',';
    out += std::get<3>(e);
  }
  return out;
}

}  // namespace dust
