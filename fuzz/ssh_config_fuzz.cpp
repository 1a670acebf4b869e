// Fuzzes the ssh_config resolver (ssh/ssh_config): any set of files yields settings or an error,
// never a crash or a hang; Include depth is bounded. No file system: the input is split into
// in-memory files at "\n%%\n" (config, then /i/0, /i/1, ...), reached through the resolver's seam.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ssh/ssh_config.h"
#include "ssh/ssh_config_lex.h"
#include "util/error.h"

namespace {

dust::ssh::SshConfigEnv make_env(const std::vector<std::string>* files) {
  dust::ssh::SshConfigEnv e;
  e.read = [files](const std::string& path, bool) {
    dust::ssh::SshConfigEnv::File f;
    size_t i = files->size();
    if (path == "/c") i = 0;
    for (size_t k = 1; k < files->size(); ++k)
      if (path == "/i/" + std::to_string(k - 1)) i = k;
    if (i >= files->size()) return f;
    f.exists = true;
    f.text = (*files)[i];
    return f;
  };
  e.glob = [files](const std::string& pattern) {
    std::vector<std::string> out;
    for (size_t i = 1; i < files->size(); ++i) {
      std::string name = "/i/" + std::to_string(i - 1);
      if (dust::ssh::cfg::match_pattern(name.c_str(), pattern.c_str())) out.push_back(name);
    }
    return out;
  };
  e.exec = [](const std::string& cmd) { return cmd.size() % 3 == 0 ? -1 : int(cmd.size() % 2); };
  e.resolves = [](const std::string& fqdn) { return fqdn.size() % 2 == 0; };
  e.getenv = [](const std::string& n) -> std::optional<std::string> {
    if (n == "HOME") return std::string("/home/u");
    return std::nullopt;
  };
  e.home_of = [](const std::string& u) -> std::optional<std::string> {
    if (u == "root") return std::string("/root");
    return std::nullopt;
  };
  e.service_port = [](const std::string& s) { return s == "ssh" ? 22 : -1; };
  e.local_user = "u";
  e.home = "/home/u";
  e.uid = "1000";
  e.hostname = "local.example";
  e.system_config = "";
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> files;
  size_t pos = 0;
  while (files.size() < 8) {
    size_t sep = in.find("\n%%\n", pos);
    files.push_back(in.substr(pos, sep == std::string::npos ? std::string::npos : sep - pos));
    if (sep == std::string::npos) break;
    pos = sep + 4;
  }
  static std::vector<std::string> current;
  static const dust::ssh::SshConfigEnv env = make_env(&current);
  current.swap(files);
  // One host per input (picked by the input's size), so each run is one resolution.
  static const char* const kHosts[] = {"10.0.0.1", "Worker3.Example.com", "u@bastion", "web"};
  dust::ssh::SshConfigRequest req;
  req.host = kHosts[size % 4];
  req.config_file = "/c";
  auto r = dust::ssh::resolve_ssh_config(req, env);
  if (r.ok) {
    (void)dust::ssh::format_ssh_g(r.config);
    try {
      for (const auto& f : r.config.identity_files) dust::ssh::expand_ssh_path(r.config, f, env);
      (void)dust::ssh::agent_socket(r.config, env);
    } catch (const dust::Error&) {
    }
  }
  return 0;
}
