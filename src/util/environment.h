// A snapshot of environment variables, passed as a value: a dust server serves each request with
// the environment of the client that sent it (docs/server.md), never with its own.
#pragma once
#include <map>
#include <optional>
#include <string>

namespace dust {

class Environment {
 public:
  Environment() = default;
  explicit Environment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  // The variables of this process that a request may depend on (AWS_*, DUST_*, HOME, PATH, TERM,
  // …).
  static Environment capture();
  // Whether a variable of that name is one capture() takes.
  static bool relevant(const std::string& name);

  std::optional<std::string> get(const std::string& name) const;
  // The value, or "" when unset.
  std::string value(const std::string& name) const { return get(name).value_or(""); }
  const std::map<std::string, std::string>& vars() const { return vars_; }
  // Every AWS_* variable and HOME (where ~/.aws lives): two requests with the same identity key
  // resolve the same credentials, region and endpoints.
  std::string identity_key() const;

 private:
  std::map<std::string, std::string> vars_;
};

}  // namespace dust
