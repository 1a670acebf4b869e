// config.yaml reader (yaml-cpp).
#include "shell/config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "util/error.h"
#include "util/paths.h"

namespace dust::shell {
namespace {

template <typename T>
void get(const YAML::Node& n, const char* key, T* out) {
  if (n && n[key]) *out = n[key].as<T>();
}

}  // namespace

Config Config::load(const std::string& path) {
  Config c;
  if (!paths::exists(path)) return c;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root || root.IsNull()) return c;
    if (!root.IsMap()) throw Error(fmt::format("{}: expected a mapping at the top level", path));
    get(root, "region", &c.region);
    get(root, "log_dir", &c.log_dir);
    if (auto ssh = root["ssh"]) {
      get(ssh, "user", &c.ssh_user);
      get(ssh, "address", &c.ssh_address);
      get(ssh, "strict_host_key_checking", &c.strict_host_key);
      get(ssh, "connect_timeout", &c.connect_timeout_s);
      get(ssh, "command_timeout", &c.command_timeout_s);
      get(ssh, "fanout", &c.fanout);
    }
    if (auto keys = root["keys"]) {
      for (const auto& kv : keys) c.keys[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  return c;
}

}  // namespace dust::shell
