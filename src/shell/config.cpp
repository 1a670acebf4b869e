// config.yaml reader (yaml-cpp).
#include "shell/config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/paths.h"

namespace dust::shell {
namespace {

template <typename T>
void get(const YAML::Node& n, const char* key, T* out) {
  if (n && n[key]) *out = n[key].as<T>();
}

// `output: gather|live` or `output: {mode: gather|live, diff: true|false}`.
void read_output(const YAML::Node& n, const std::string& path, Config* c) {
  auto mode = [&](const YAML::Node& m) {
    std::string v = m.as<std::string>();
    if (v != "gather" && v != "live")
      throw Error(
          fmt::format("{}:{}: output mode '{}': use gather or live", path, m.Mark().line + 1, v));
    c->output_gather = v == "gather";
  };
  if (n.IsScalar()) return mode(n);
  if (!n.IsMap())
    throw Error(fmt::format("{}:{}: output: expected gather, live or a mapping (mode, diff)", path,
                            n.Mark().line + 1));
  for (const auto& kv : n) {
    std::string key = kv.first.as<std::string>();
    if (key == "mode")
      mode(kv.second);
    else if (key == "diff")
      c->output_diff = kv.second.as<bool>();
    else
      throw Error(fmt::format("{}:{}: output: unknown key '{}' (mode, diff)", path,
                              kv.first.Mark().line + 1, key));
  }
}

}  // namespace

Config Config::load(const std::string& path) {
  Config c;
  if (!paths::exists(path)) return c;
  try {
    // Read here, not by yaml-cpp: its LoadFile leaks its buffer when the stream fails (a
    // directory), and util::read_file names what is wrong.
    YAML::Node root = YAML::Load(util::read_file(path));
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
      get(ssh, "proxy_jump", &c.proxy_jump);
      if (auto p = ssh["password_prompts"]) {
        if (!p.IsSequence())
          throw Error(fmt::format("{}: ssh.password_prompts: expected a list of patterns", path));
        c.password_prompts = p.as<std::vector<std::string>>();
      }
    }
    if (auto output = root["output"]) read_output(output, path, &c);
    if (auto server = root["server"]) {
      get(server, "enabled", &c.server_enabled);
      get(server, "idle_timeout", &c.server_idle_timeout_s);
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
