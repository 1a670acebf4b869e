// Small text helpers shared by the parsers and prompts. Pure.
#pragma once
#include <string_view>

namespace dust::util {

// `s` without leading and trailing ASCII whitespace (blank, tab, CR, LF, VT, FF).
std::string_view trim(std::string_view s);

}  // namespace dust::util
