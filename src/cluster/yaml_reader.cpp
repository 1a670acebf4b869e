// Strict YAML mapping reader with file:line:key errors.
#include "cluster/yaml_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "util/error.h"
#include "util/utf8.h"

namespace dust::cluster {

namespace {

bool known_line(const YAML::Mark& m) { return m.line >= 0 && m.pos >= 0; }

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string located(const std::string& file, const YAML::Mark& mark, const std::string& key,
                    const std::string& msg) {
  std::string out = file;
  if (known_line(mark)) out += fmt::format(":{}", mark.line + 1);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  return out + msg;
}

namespace {

[[noreturn]] void refuse_byte(std::string_view text, size_t bad, const std::string& file,
                              const char* what) {
  YAML::Mark at;
  at.pos = static_cast<int>(bad);
  at.line = static_cast<int>(std::count(text.begin(), text.begin() + bad, '\n'));
  throw Error(located(file, at, "",
                      fmt::format(fmt::runtime(what), static_cast<unsigned char>(text[bad]))));
}

}  // namespace

YAML::Node load_yaml(std::string_view text, const std::string& file) {
  // yaml-cpp reads any bytes but writes invalid UTF-8 back as U+FFFD: refuse it here, before a
  // value read from the file could be saved changed (cluster files are rewritten by `assign`).
  if (size_t bad = util::first_invalid_utf8(text); bad != std::string_view::npos)
    refuse_byte(text, bad, file, "not valid UTF-8 (byte 0x{:02x}); save the file as UTF-8");
  // A YAML stream holds no raw control bytes but tab and line ends; yaml-cpp reads a NUL followed
  // by '_' as the escape for U+00A0 and yields a lone 0xa0 byte (found by fuzz/cluster_file).
  auto control = [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
  };
  if (auto it = std::find_if(text.begin(), text.end(), control); it != text.end())
    refuse_byte(text, static_cast<size_t>(it - text.begin()), file,
                "contains a control character (0x{:02x}); YAML files are text");
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw Error(located(file, e.mark, "", "invalid YAML: " + e.msg));
  }
}

MapReader::MapReader(const YAML::Node& node, std::string file, std::string path,
                     std::vector<std::string> allowed, bool strict)
    : node_(node), file_(std::move(file)), path_(std::move(path)), mark_(node.Mark()) {
  if (!node_.IsDefined() || node_.IsNull())
    throw Error(located(file_, mark_, path_, "is empty, expected a mapping"));
  if (!node_.IsMap()) throw Error(located(file_, mark_, path_, "must be a mapping (key: value)"));
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar())
      throw Error(located(file_, it->first.Mark(), path_, "keys must be plain words"));
    std::string key = it->first.Scalar();
    // yaml-cpp keeps both entries of a repeated key; the second would otherwise be silently
    // ignored.
    if (!seen.insert(key).second)
      throw Error(located(file_, it->first.Mark(), this->path(key), "duplicate key"));
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    if (strict)
      throw Error(located(file_, it->first.Mark(), this->path(key),
                          "unknown key (expected one of: " + join(allowed) + ")"));
    unknown_.push_back(located(file_, it->first.Mark(), this->path(key), "unknown key ignored"));
  }
}

std::string MapReader::path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

YAML::Node MapReader::value(const std::string& key) const {
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return YAML::Node(YAML::NodeType::Undefined);
}

bool MapReader::has(const std::string& key) const { return value(key).IsDefined(); }

YAML::Mark MapReader::mark(const std::string& key) const {
  YAML::Node v = value(key);
  return v.IsDefined() ? v.Mark() : mark_;
}

void MapReader::fail(const std::string& key, const std::string& msg) const {
  throw Error(located(file_, mark(key), path(key), msg));
}

std::optional<std::string> MapReader::opt_str(const std::string& key) const {
  YAML::Node v = value(key);
  if (!v.IsDefined()) return std::nullopt;
  if (v.IsNull()) fail(key, "has no value");
  if (!v.IsScalar()) fail(key, "must be a single value, not a list or mapping");
  // Values are text: a control byte (a NUL, an escape) would not be written back as it was read
  // (yaml-cpp's emitter replaces some), and a cluster file is rewritten by `assign`.
  const std::string& s = v.Scalar();
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      fail(key, fmt::format("contains a control character (0x{:02x}); values are text", c));
  return s;
}

std::string MapReader::str(const std::string& key) const {
  if (!has(key)) fail(key, "missing required key");
  return *opt_str(key);
}

std::optional<long> MapReader::opt_int(const std::string& key) const {
  auto s = opt_str(key);
  if (!s) return std::nullopt;
  try {
    size_t used = 0;
    long n = std::stol(*s, &used);
    if (used == s->size()) return n;
  } catch (const std::exception&) {
  }
  fail(key, "must be an integer, not '" + *s + "'");
}

YAML::Node MapReader::map(const std::string& key) const {
  YAML::Node v = value(key);
  if (!v.IsDefined()) fail(key, "missing required key");
  if (!v.IsMap()) fail(key, "must be a mapping (key: value)");
  return v;
}

YAML::Node MapReader::seq(const std::string& key) const {
  YAML::Node v = value(key);
  if (!v.IsDefined()) fail(key, "missing required key");
  if (!v.IsSequence()) fail(key, "must be a list (- item)");
  return v;
}

}  // namespace dust::cluster
