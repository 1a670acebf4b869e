// Myers diff and unified hunks (see gather_diff.h).
#include "shell/gather_diff.h"

#include <fmt/format.h>

#include <algorithm>

namespace dust::shell {
namespace {

using Lines = std::vector<std::string>;

// Myers' greedy forward search on a[0,n) and b[0,m) (common prefix and suffix already removed),
// keeping each round's frontier (only diagonals -d-1..d+1, so memory is O(D²), not O(D·(N+M))) for
// the backtrack. Appends the edits (indices offset by `off`) to `out` in order.
bool myers(const Lines& a, const Lines& b, size_t a0, size_t n, size_t b0, size_t m,
           size_t max_changes, std::vector<LineEdit>* out) {
  const long N = static_cast<long>(n), M = static_cast<long>(m);
  const long max_d = std::min<long>(N + M, static_cast<long>(max_changes));
  const long off = max_d + 1;
  std::vector<long> v(static_cast<size_t>(2 * off + 1), 0);
  std::vector<std::vector<long>> trace;  // trace[d] = v[-d-1 .. d+1] before round d
  auto at = [&](long k) -> long& { return v[static_cast<size_t>(k + off)]; };
  auto eq = [&](long x, long y) {
    return a[a0 + static_cast<size_t>(x)] == b[b0 + static_cast<size_t>(y)];
  };
  long end_d = -1;
  for (long d = 0; d <= max_d && end_d < 0; ++d) {
    trace.emplace_back(v.begin() + (off - d - 1), v.begin() + (off + d + 2));
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      long y = x - k;
      while (x < N && y < M && eq(x, y)) ++x, ++y;
      at(k) = x;
      if (x >= N && y >= M) {
        end_d = d;
        break;
      }
    }
  }
  if (end_d < 0) return false;
  std::vector<LineEdit> rev;
  long x = N, y = M;
  for (long d = end_d; d >= 0; --d) {
    const std::vector<long>& t = trace[static_cast<size_t>(d)];
    auto old = [&](long k) { return t[static_cast<size_t>(k + d + 1)]; };
    long k = x - y;
    long pk = (k == -d || (k != d && old(k - 1) < old(k + 1))) ? k + 1 : k - 1;
    long px = d == 0 ? 0 : old(pk), py = px - pk;
    if (d == 0) py = 0;
    while (x > px && y > py) {
      --x, --y;
      rev.push_back(
          {LineEdit::Op::Equal, a0 + static_cast<size_t>(x), b0 + static_cast<size_t>(y)});
    }
    if (d > 0) {
      if (x == px)
        rev.push_back({LineEdit::Op::Insert, 0, b0 + static_cast<size_t>(y - 1)});
      else
        rev.push_back({LineEdit::Op::Delete, a0 + static_cast<size_t>(x - 1), 0});
    }
    x = px, y = py;
  }
  out->insert(out->end(), rev.rbegin(), rev.rend());
  return true;
}

}  // namespace

std::optional<std::vector<LineEdit>> diff_lines(const Lines& a, const Lines& b,
                                                size_t max_changes) {
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         a[a.size() - 1 - suf] == b[b.size() - 1 - suf])
    ++suf;
  std::vector<LineEdit> out;
  for (size_t i = 0; i < pre; ++i) out.push_back({LineEdit::Op::Equal, i, i});
  if (!myers(a, b, pre, a.size() - pre - suf, pre, b.size() - pre - suf, max_changes, &out))
    return std::nullopt;
  for (size_t i = 0; i < suf; ++i)
    out.push_back({LineEdit::Op::Equal, a.size() - suf + i, b.size() - suf + i});
  return out;
}

std::optional<Lines> unified_diff(const Lines& a, const Lines& b, size_t context,
                                  size_t max_changes) {
  auto edits = diff_lines(a, b, max_changes);
  if (!edits) return std::nullopt;
  const std::vector<LineEdit>& e = *edits;
  Lines out;
  size_t i = 0;
  while (i < e.size()) {
    // The next change, and the hunk around it: changes closer than 2·context share a hunk.
    while (i < e.size() && e[i].op == LineEdit::Op::Equal) ++i;
    if (i == e.size()) break;
    size_t start = i >= context ? i - context : 0;
    size_t last = i;  // last change in the hunk
    for (size_t j = i; j < e.size(); ++j) {
      if (e[j].op != LineEdit::Op::Equal) {
        last = j;
      } else if (j - last > 2 * context) {
        break;
      }
    }
    size_t end = std::min(e.size(), last + context + 1);
    // Line numbers: how many old/new lines precede the hunk.
    size_t a_before = 0, b_before = 0;
    for (size_t j = 0; j < start; ++j) {
      if (e[j].op != LineEdit::Op::Insert) ++a_before;
      if (e[j].op != LineEdit::Op::Delete) ++b_before;
    }
    size_t a_len = 0, b_len = 0;
    Lines body;
    for (size_t j = start; j < end; ++j) {
      switch (e[j].op) {
        case LineEdit::Op::Equal:
          ++a_len, ++b_len;
          body.push_back(" " + a[e[j].a]);
          break;
        case LineEdit::Op::Delete:
          ++a_len;
          body.push_back("-" + a[e[j].a]);
          break;
        case LineEdit::Op::Insert:
          ++b_len;
          body.push_back("+" + b[e[j].b]);
          break;
      }
    }
    out.push_back(fmt::format("@@ -{},{} +{},{} @@", a_len ? a_before + 1 : a_before, a_len,
                              b_len ? b_before + 1 : b_before, b_len));
    out.insert(out.end(), body.begin(), body.end());
    i = end;
  }
  return out;
}

}  // namespace dust::shell
