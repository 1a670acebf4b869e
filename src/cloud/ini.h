// A reader for the AWS CLI's INI files (~/.aws/credentials, ~/.aws/config). No Debian library
// parses this dialect, and it is small: [section], key = value, # and ; comments, indented
// sub-keys.
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
