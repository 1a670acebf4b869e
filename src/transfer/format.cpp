// Sizes, rates, result lines (see format.h).
#include "transfer/format.h"

#include <fmt/format.h>

namespace dust::transfer {

std::string human_bytes(uint64_t n) {
  if (n < 1000) return fmt::format("{} B", n);
  static const char* units[] = {"KB", "MB", "GB", "TB", "PB"};
  double v = static_cast<double>(n) / 1000;
  int u = 0;
  while (v >= 999.95 && u < 4) v /= 1000, ++u;
  return fmt::format("{:.1f} {}", v, units[u]);
}

std::string human_rate(uint64_t bytes, double secs) {
  if (secs <= 0) secs = 1e-6;
  double r = static_cast<double>(bytes) / secs;
  if (r < 1e3) return fmt::format("{:.0f} B/s", r);
  if (r < 1e6) return fmt::format("{:.0f} KB/s", r / 1e3);
  if (r < 1e9) return fmt::format("{:.0f} MB/s", r / 1e6);
  return fmt::format("{:.2f} GB/s", r / 1e9);
}

std::string result_line(const std::string& verb, const std::string& what, uint64_t bytes,
                        double secs) {
  return fmt::format("{} {} ({}, {})", verb, what, human_bytes(bytes), human_rate(bytes, secs));
}

bool has_glob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

}  // namespace dust::transfer
