// AWS INI reader.
#include "cloud/ini.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.h"
#include "util/paths.h"
#include "util/text.h"

namespace dust::cloud::ini {
namespace {

using util::trim;

}  // namespace

Sections parse(std::string_view text) {
  Sections out;
  std::map<std::string, std::string>* current = nullptr;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Indented lines are sub-keys of a nested value (e.g. "s3 =\n  max_concurrent_requests = 20");
    // dust needs none of them, and they must not overwrite top-level keys.
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos)
        continue;  // malformed header: ignore, as botocore skips it
      current = &out[std::string(trim(line.substr(1, close - 1)))];
      continue;
    }
    if (indented || !current) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(trim(line.substr(0, eq)));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    (*current)[key] = std::string(trim(line.substr(eq + 1)));
  }
  return out;
}

Sections parse_file(const std::string& path) {
  if (!paths::exists(path)) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str());
}

}  // namespace dust::cloud::ini
