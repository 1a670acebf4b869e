// Strict reading of YAML mappings for cluster files and specs: every error names the file, the line
// and the key path ("sample1.yaml:7: nodes[1].count: must be an integer >= 1").
#pragma once
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dust::cluster {

// "file:line: key: msg" (line 1-based; omitted when the mark is unknown; key omitted when empty).
std::string located(const std::string& file, const YAML::Mark& mark, const std::string& key,
                    const std::string& msg);

// Parses text; a YAML syntax error becomes a dust::Error naming file and line.
YAML::Node load_yaml(std::string_view text, const std::string& file);

// Reads one mapping. The constructor checks that node is a mapping with no duplicate keys; keys not
// in `allowed` are an error when strict, else collected in unknown() for the caller to warn about.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string file, std::string path,
            std::vector<std::string> allowed, bool strict);

  bool has(const std::string& key) const;
  // Required scalar string; missing, null or non-scalar → error.
  std::string str(const std::string& key) const;
  // Optional scalar string; absent → nullopt (null is an error: `key:` with no value is a typo).
  std::optional<std::string> opt_str(const std::string& key) const;
  // Optional integer; absent → nullopt; not an integer → error.
  std::optional<long> opt_int(const std::string& key) const;
  // Required mapping / sequence child.
  YAML::Node map(const std::string& key) const;
  YAML::Node seq(const std::string& key) const;

  // Line of the value of key (or of the mapping when absent), for callers' own checks.
  YAML::Mark mark(const std::string& key) const;
  const YAML::Mark& mark() const { return mark_; }
  std::string path(const std::string& key) const;  // "cluster.name"
  const std::string& file() const { return file_; }
  const std::vector<std::string>& unknown() const { return unknown_; }

  [[noreturn]] void fail(const std::string& key, const std::string& msg) const;

 private:
  YAML::Node value(const std::string& key) const;

  YAML::Node node_;
  std::string file_, path_;
  YAML::Mark mark_;
  std::vector<std::string> unknown_;  // "cluster.nmae (line 4)"
};

}  // namespace dust::cluster
