// The sanitiser (see sanitise.h): one scan, linear in the input, no recursion, no regex.
#include "util/sanitise.h"

#include <fmt/format.h>

#include "util/utf8.h"

namespace dust::util {

namespace {

enum class Mode { Name, Terminal, File };

// Length of a valid UTF-8 sequence starting at s[i] that a terminal shows as text, or 0. C1
// controls (U+0080-U+009F) count as invalid: a terminal acts on them (U+009B is CSI).
size_t text_len(std::string_view s, size_t i) {
  size_t n = utf8_sequence_length(s, i);
  if (n == 2 && static_cast<unsigned char>(s[i]) == 0xC2 &&
      static_cast<unsigned char>(s[i + 1]) < 0xA0)
    return 0;
  return n;
}

bool in(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

// A complete CSI sequence at s[i] (ESC [ params intermediates final): its end (one past the final
// byte), the parameter bytes and whether there were intermediates. 0 when incomplete.
struct Csi {
  size_t end = 0;
  std::string_view params;
  bool intermediates = false;
  char final = 0;
};
Csi csi_at(std::string_view s, size_t i) {
  Csi c;
  size_t j = i + 2;
  while (j < s.size() && in(s[j], 0x30, 0x3F)) ++j;
  c.params = s.substr(i + 2, j - (i + 2));
  size_t k = j;
  while (k < s.size() && in(s[k], 0x20, 0x2F)) ++k;
  c.intermediates = k > j;
  if (k < s.size() && in(s[k], 0x40, 0x7E)) {
    c.final = s[k];
    c.end = k + 1;
  }
  return c;
}

std::string render(std::string_view line, Mode mode) {
  if (mode == Mode::Terminal) {
    // A line ending in CR LF (or CRs only) shows its text: the CR just returns the cursor.
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // What a terminal shows after a carriage return is the text written after it.
    if (size_t cr = line.rfind('\r'); cr != std::string_view::npos && cr + 1 < line.size())
      line.remove_prefix(cr + 1);
  }
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size();) {
    unsigned char c = line[i];
    if (c == 0x1b && mode != Mode::Name && i + 1 < line.size() && line[i + 1] == '[') {
      Csi seq = csi_at(line, i);
      if (seq.end && !seq.intermediates) {
        if (seq.final == 'm' && is_plain_sgr(seq.params)) {
          if (mode == Mode::Terminal) out.append(line.substr(i, seq.end - i));
          i = seq.end;
          continue;
        }
        if (seq.final == 'K' && seq.params.size() <= 1 &&
            (seq.params.empty() || (seq.params[0] >= '0' && seq.params[0] <= '2'))) {
          i = seq.end;  // erase in line: what colour tools and progress bars emit
          continue;
        }
      }
      // Anything else: ESC is shown as \x1b below and the rest of the sequence as the text it is.
    }
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (c == '\t' && mode != Mode::Name) {
      out.push_back('\t');
      ++i;
      continue;
    }
    if (c == '\r' && mode == Mode::File) {
      out += "\\r";
      ++i;
      continue;
    }
    size_t n = c >= 0x80 ? text_len(line, i) : 0;
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

// One decimal parameter of at most 3 digits (longer ones are not colours).
bool number(std::string_view p, int* v) {
  if (p.size() > 3) return false;
  *v = 0;
  for (char ch : p) {
    if (ch < '0' || ch > '9') return false;
    *v = *v * 10 + (ch - '0');
  }
  return true;
}

}  // namespace

std::string escape_controls(std::string_view s) { return render(s, Mode::Name); }
std::string terminal_line(std::string_view line) { return render(line, Mode::Terminal); }
std::string file_line(std::string_view line) { return render(line, Mode::File); }

bool is_plain_sgr(std::string_view params) {
  // Split at ';' into at most 32 numbers (a real colour sequence has a handful).
  int v[32];
  size_t n = 0;
  for (size_t start = 0;;) {
    size_t semi = params.find(';', start);
    std::string_view p = params.substr(start, semi == std::string_view::npos ? semi : semi - start);
    if (n == 32 || !number(p, &v[n])) return false;
    ++n;
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  for (size_t k = 0; k < n; ++k) {
    int x = v[k];
    if (x == 38 || x == 48) {  // extended colour: 5;N or 2;R;G;B
      if (k + 2 < n && v[k + 1] == 5 && v[k + 2] <= 255) {
        k += 2;
        continue;
      }
      if (k + 4 < n && v[k + 1] == 2 && v[k + 2] <= 255 && v[k + 3] <= 255 && v[k + 4] <= 255) {
        k += 4;
        continue;
      }
      return false;
    }
    bool ok = (x >= 0 && x <= 4) || (x >= 22 && x <= 24) || (x >= 30 && x <= 39) ||
              (x >= 40 && x <= 49) || (x >= 90 && x <= 97) || (x >= 100 && x <= 107);
    if (!ok) return false;
  }
  return true;
}

std::string strip_sgr(std::string_view shown) {
  std::string out;
  out.reserve(shown.size());
  for (size_t i = 0; i < shown.size();) {
    if (shown[i] == 0x1b) {
      size_t m = shown.find('m', i);
      if (m == std::string_view::npos) break;  // cannot happen for terminal_line() text
      i = m + 1;
      continue;
    }
    out.push_back(shown[i++]);
  }
  return out;
}

}  // namespace dust::util
