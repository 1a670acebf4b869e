// UTF-8 validation for text dust reads from files (YAML is UTF-8 by definition; a byte that is not
// would be rewritten as U+FFFD the next time dust saves the file, silently changing the value).
#pragma once
#include <cstddef>
#include <string_view>

namespace dust::util {

// Length of the valid UTF-8 sequence starting at s[i] (1-4), or 0 when it is not one: a stray
// continuation byte, a truncated sequence, an overlong form, a surrogate or a code point past
// U+10FFFF.
size_t utf8_sequence_length(std::string_view s, size_t i);

// Offset of the first byte of s that does not start a valid UTF-8 sequence, or npos when s is
// valid.
size_t first_invalid_utf8(std::string_view s);

}  // namespace dust::util
