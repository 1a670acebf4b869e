// A reader for the AWS CLI's INI files (~/.aws/credentials, ~/.aws/config): [section],
// key = value, whole-line # and ; comments, indented sub-keys (skipped), lines of any length.
// Debian's libinih (55) was tried and does not read this dialect: it is built with a 200-byte line
// limit (an 1,200-character aws_session_token came back as 179 bytes and a parse error), strips
// " ;…" inside values as a comment, and reads indented sub-keys as a continuation of the value.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace dust::cloud::ini {

// section name (as written inside the brackets, trimmed) → key (lower case) → value (trimmed).
using Sections = std::map<std::string, std::map<std::string, std::string>>;

Sections parse(std::string_view text);
// Missing file → empty; an unreadable existing file → dust::Error naming it.
Sections parse_file(const std::string& path);

}  // namespace dust::cloud::ini
