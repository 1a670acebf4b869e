// host_settings: resolve_ssh_config for an endpoint, then dust's precedence (PRODUCT.md §2).
#include "ssh/host_settings.h"

#include <mutex>
#include <set>

#include "ssh/ssh_config_keywords.h"
#include "ssh/ssh_config_lex.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::ssh {

std::string config_path(const Options& o) {
  return o.ssh_config.empty() ? paths::join(paths::home(), ".ssh/config")
                              : paths::expand_user(o.ssh_config);
}

HostSettings host_settings(const Endpoint& ep, const Options& opt) {
  static const SshConfigEnv env = real_ssh_config_env();
  SshConfigRequest req;
  req.host = ep.host;
  req.user = ep.user;  // the cluster file's user wins, as `ssh -l` does
  req.port = ep.port;
  req.jump_host = ep.jump_host;
  req.config_file = opt.ssh_config.empty() ? "" : paths::expand_user(opt.ssh_config);
  SshConfigResult r = resolve_ssh_config(req, env);
  if (!r.ok) throw Error("ssh config: " + r.error);
  HostSettings s;
  s.cfg = std::move(r.config);
  SshHostConfig& c = s.cfg;
  s.config = config_path(opt);
  if (!c.user_from_config && ep.user.empty()) c.user = opt.default_user;
  // ProxyJump: the cluster file's wins, then the ssh config's, then config.yaml's fallback.
  // A jump host's own ProxyJump is not followed (README: write the chain).
  s.jump = !ep.proxy_jump.empty() ? ep.proxy_jump : c.proxy_jump;
  if (s.jump.empty() && c.proxy_command.empty()) s.jump = ep.default_jump;
  if (s.jump == "none" || ep.jump_host) s.jump.clear();
  c.proxy_jump = s.jump;
  if (s.jump.empty() && !c.proxy_command.empty()) {
    std::map<char, std::string> t{
        {'h', c.hostname}, {'n', c.host_arg}, {'p', std::to_string(c.port)}, {'r', c.user}};
    std::string err;
    auto e = cfg::percent_expand(c.proxy_command, t, &err);
    if (!e) throw Error("ssh config: ProxyCommand " + c.proxy_command + ": " + err);
    s.proxy_command = *e;
  }
  // config.yaml's policy, when it sets one, wins over the ssh config (it is the user's dust
  // policy).
  std::string strict = cfg::lower(opt.strict_host_key);
  s.strict = strict == "yes" || strict == "true"                      ? "true"
             : strict == "no" || strict == "false" || strict == "off" ? "false"
             : strict.empty()                                         ? c.strict_host_key_checking
                                                                      : strict;
  c.strict_host_key_checking = s.strict;
  // The config's IdentityFile entries (libssh adds its own default identities after them), or
  // with IdentitiesOnly ssh's whole list, defaults included: libssh's own are then out of reach
  // (configure_session points its key directory elsewhere).
  if (!c.default_identities || c.identities_only)
    for (const auto& f : c.identity_files) s.identity_files.push_back(expand_ssh_path(c, f, env));
  s.known_hosts = c.user_known_hosts;
  s.agent_sock = c.identities_only ? "" : agent_socket(c, env);
  s.connect_timeout_s = c.connect_timeout > 0 ? c.connect_timeout : opt.connect_timeout_s;
  for (const auto& k : c.user_set)
    if (!cfg::dust_applies(k)) s.not_applied.push_back(cfg::keyword_name(k));
  return s;
}

void warn_not_applied(const std::vector<std::string>& not_applied, const std::string& config,
                      const std::string& label) {
  static std::mutex mu;
  static std::set<std::string> warned;
  for (const auto& k : not_applied) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!warned.insert(k).second) continue;
    }
    log::warn("ssh config {}: {} is set (for {} and maybe others) but dust does not apply it",
              config, k, label);
  }
}

}  // namespace dust::ssh
