// Unpredictable names and nonces (temporary files on nodes, here-document terminators).
#pragma once
#include <cstddef>
#include <string>

namespace dust::util {

// `bytes` random bytes from OpenSSL's generator, as lower-case hex. Throws dust::Error when the
// generator fails (naming `what` the name was for).
std::string random_hex(size_t bytes, const char* what);

}  // namespace dust::util
