// The key/value store of a drop-in command (the original's command_state): one JSON object per
// command in $DUST_HOME/state/<command>.json, replaced atomically on every change so a crash or a
// second dust never leaves it half-written.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace dust::plugins {

class StateStore {
 public:
  explicit StateStore(std::string path) : path_(std::move(path)) {}
  static std::string path_for(const std::string& command);  // $DUST_HOME/state/<command>.json

  // Whole object; {} when the file does not exist. Throws dust::Error naming the file if it is not
  // a JSON object.
  nlohmann::json all() const;
  nlohmann::json get(const std::string& key) const;  // null when absent
  // Sets key (null erases it) and rewrites the file; creates the directory (0700) if needed.
  void set(const std::string& key, const nlohmann::json& value);

 private:
  std::string path_;
};

}  // namespace dust::plugins
