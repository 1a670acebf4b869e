// configure_session: the option precedence of PRODUCT.md §2 applied to a libssh session.
#include "ssh/connect_options.h"

#include <libssh/callbacks.h>

#include <cstdlib>

#include "ssh/ssh_config.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::ssh {

namespace {

// libssh's own messages go to dust's log (debug), never straight to stderr: a `LogLevel` line in
// the user's ssh config would otherwise make libssh print its internals under the nodes' output.
void libssh_log(int, const char* function, const char* buffer, void*) {
  log::debug("libssh {}: {}", function ? function : "", buffer ? buffer : "");
}

void set_libssh_logging(ssh_session s) {
  static const bool installed = (ssh_set_log_callback(libssh_log), true);
  (void)installed;
  int verbosity = log::level() >= log::Level::Debug ? SSH_LOG_WARN : SSH_LOG_NOLOG;
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
}

}  // namespace

ConnectSettings configure_session(ssh_session s, const Endpoint& ep, const Options& opt) {
  ConnectSettings cs;
  // libssh would look up the passwd entry for ~; dust's ~ is $HOME (PRODUCT.md §1).
  std::string dir = paths::join(paths::home(), ".ssh");
  ssh_options_set(s, SSH_OPTIONS_HOST, ep.host.c_str());
  ssh_options_set(s, SSH_OPTIONS_SSH_DIR, dir.c_str());
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, paths::join(dir, "known_hosts").c_str());
  // Identities are prepended, so add them lowest precedence first: KeyName keys, then the ssh
  // config's IdentityFile entries (parse_config prepends them), then the node's own keyfile.
  auto names = key_name_candidates(ep, opt);
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    ssh_options_set(s, SSH_OPTIONS_IDENTITY, it->c_str());
  cs.config =
      opt.ssh_config.empty() ? paths::join(dir, "config") : paths::expand_user(opt.ssh_config);
  ssh_options_parse_config(s,
                           cs.config.c_str());  // a missing file is fine; stops the default parse
  set_libssh_logging(s);                        // after the config: its LogLevel is not ours
  if (!ep.keyfile.empty()) ssh_options_set(s, SSH_OPTIONS_IDENTITY, ep.keyfile.c_str());
  if (!ep.user.empty()) {
    ssh_options_set(s, SSH_OPTIONS_USER, ep.user.c_str());
  } else {
    char* u = nullptr;
    if (ssh_options_get(s, SSH_OPTIONS_USER, &u) == SSH_OK && u)
      ssh_string_free_char(u);  // set by the ssh config
    else
      ssh_options_set(s, SSH_OPTIONS_USER, opt.default_user.c_str());
  }
  if (ep.port > 0) ssh_options_set(s, SSH_OPTIONS_PORT, &ep.port);
  // ProxyJump (cluster file / config.yaml, else ssh config). dust opens the tunnel itself (jump.h);
  // libssh's own conversion of the config's ProxyJump would run `ssh` per node, so it is cleared.
  cs.jump =
      !ep.proxy_jump.empty() ? ep.proxy_jump : ssh_config_value(cs.config, ep.host, "ProxyJump");
  if (cs.jump.empty()) cs.jump = ep.default_jump;
  if (cs.jump == "none") cs.jump.clear();
  if (!cs.jump.empty()) ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, "none");
  cs.strict = !opt.strict_host_key.empty()
                  ? opt.strict_host_key
                  : ssh_config_value(cs.config, ep.host, "StrictHostKeyChecking");
  // dust applies the policy itself (host_keys.h). libssh, told `no` by the config, reports an
  // unknown or even a CHANGED key as known (SSH_KNOWN_HOSTS_OK) when the global known_hosts lacks
  // the host: it must always report what known_hosts says.
  int strict_in_libssh = 1;
  ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict_in_libssh);
  // Key files first, the agent after them (PRODUCT.md §2): libssh's automatic order is the
  // reverse, and an agent holding many keys would use up the server's MaxAuthTries before the
  // right file is tried. So the first pass runs with the agent switched off.
  cs.agent_sock = agent_socket(cs.config, ep.host);
  ssh_options_set(s, SSH_OPTIONS_IDENTITY_AGENT, "/dev/null");
  ssh_set_blocking(s, 0);
  // ConnectTimeout from the ssh config is per host, so it wins over dust's ssh.connect_timeout.
  cs.connect_timeout_s = opt.connect_timeout_s;
  if (std::string v = ssh_config_value(cs.config, ep.host, "ConnectTimeout"); !v.empty()) {
    int t = std::atoi(v.c_str());
    if (t > 0)
      cs.connect_timeout_s = t;
    else
      log::warn("ssh config {}: ConnectTimeout '{}' is not a number of seconds; using {} s",
                cs.config, v, cs.connect_timeout_s);
  }
  return cs;
}

std::string login_of(ssh_session s, const std::string& host) {
  char* u = nullptr;
  ssh_options_get(s, SSH_OPTIONS_USER, &u);
  std::string user = u ? u : "?";
  if (u) ssh_string_free_char(u);
  return user + "@" + host;
}

}  // namespace dust::ssh
