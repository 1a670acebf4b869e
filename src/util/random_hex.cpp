// random_hex (random_hex.h).
#include "util/random_hex.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/rand.h>

#include <vector>

#include "util/error.h"

namespace dust::util {

std::string random_hex(size_t bytes, const char* what) {
  std::vector<unsigned char> b(bytes);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
    throw Error(fmt::format("no randomness for {}", what));
  return fmt::format("{:02x}", fmt::join(b, ""));
}

}  // namespace dust::util
