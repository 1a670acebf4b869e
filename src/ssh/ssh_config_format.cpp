// format_ssh_g (the `ssh -G` lines of a resolved host), agent_socket and proxy_command.
#include <cstdlib>

#include "ssh/ssh_config.h"
#include "ssh/ssh_config_lex.h"

namespace dust::ssh {

namespace {
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string other_first(const SshHostConfig& c, const std::string& k, const std::string& dflt) {
  auto it = c.other.find(k);
  return it == c.other.end() || it->second.empty() ? dflt : it->second[0];
}
}  // namespace

const std::vector<std::string>& ssh_config_compared_keywords() {
  static const std::vector<std::string> k = {"host",
                                             "user",
                                             "hostname",
                                             "port",
                                             "batchmode",
                                             "identitiesonly",
                                             "stricthostkeychecking",
                                             "hostkeyalias",
                                             "identityagent",
                                             "identityfile",
                                             "certificatefile",
                                             "userknownhostsfile",
                                             "sendenv",
                                             "setenv",
                                             "connecttimeout",
                                             "serveraliveinterval",
                                             "serveralivecountmax",
                                             "proxycommand",
                                             "proxyjump"};
  return k;
}

std::string format_ssh_g(const SshHostConfig& c) {
  std::string out;
  auto line = [&](const std::string& k, const std::string& v) { out += k + " " + v + "\n"; };
  line("host", c.host_arg);
  line("user", c.user);
  line("hostname", c.hostname);
  line("port", std::to_string(c.port));
  line("batchmode", c.batch_mode ? "yes" : "no");
  line("identitiesonly", c.identities_only ? "yes" : "no");
  line("stricthostkeychecking", c.strict_host_key_checking);
  if (auto it = c.other.find("hostkeyalias"); it != c.other.end())
    line("hostkeyalias", it->second[0]);
  if (c.identity_agent) line("identityagent", *c.identity_agent);
  for (const auto& f : c.identity_files) line("identityfile", f);
  for (const auto& f : c.certificate_files) line("certificatefile", f);
  std::string all;
  for (const auto& f : c.user_known_hosts) all += (all.empty() ? "" : " ") + f;
  line("userknownhostsfile", all.empty() ? "none" : all);
  for (const char* k : {"sendenv", "setenv"})
    if (auto it = c.other.find(k); it != c.other.end())
      for (const auto& v : it->second) line(k, v);
  line("connecttimeout", c.connect_timeout < 0 ? "none" : std::to_string(c.connect_timeout));
  std::string alive = other_first(c, "serveraliveinterval", "0");
  line("serveraliveinterval", alive == "-1" ? "0" : alive);
  line("serveralivecountmax", other_first(c, "serveralivecountmax", "3"));
  if (!c.proxy_jump.empty())
    line("proxyjump", c.proxy_jump);
  else if (!c.proxy_command.empty())
    line("proxycommand", c.proxy_command);
  // Every other keyword set for this host, as written (not compared with ssh -G's spelling).
  for (const auto& [k, vals] : c.other) {
    if (k == "hostkeyalias" || k == "sendenv" || k == "setenv" || k == "serveraliveinterval" ||
        k == "serveralivecountmax")
      continue;
    std::string all;
    for (const auto& v : vals) all += (all.empty() ? "" : " ") + v;
    line(k, all);
  }
  return out;
}

std::string agent_socket(const SshHostConfig& c, const SshConfigEnv& env) {
  auto var = [&](const std::string& n) { return env.getenv ? env.getenv(n).value_or("") : ""; };
  if (!c.identity_agent || *c.identity_agent == "SSH_AUTH_SOCK") return var("SSH_AUTH_SOCK");
  const std::string& v = *c.identity_agent;
  if (cfg::lower(v) == "none") return "";
  if (v[0] == '$') return var(v.substr(1));
  return v;  // already ~ and token expanded
}

std::string proxy_command(const std::string& jump, const std::string& config_path) {
  std::string cmd = "ssh";
  if (!config_path.empty()) cmd += " -F " + quote(config_path);
  cmd += " -o BatchMode=yes";
  std::string last = jump;
  if (size_t comma = jump.rfind(','); comma != std::string::npos) {
    cmd += " -J " + quote(jump.substr(0, comma));
    last = jump.substr(comma + 1);
  }
  return cmd + " -W '[%h]:%p' " + quote(last);
}

}  // namespace dust::ssh
