// configure_session: the one resolved ssh config (host_settings) applied to a libssh session.
#include "ssh/connect_options.h"

#include <libssh/callbacks.h>

#include <cstdlib>

#include "ssh/host_settings.h"
#include "util/error.h"
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
  // libssh must not read any ssh config of its own: every value comes from host_settings.
  bool no = false;
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  set_libssh_logging(s);
  // Interactive traffic: no Nagle, as OpenSSH's ssh sets for a session with a terminal. A line to
  // 100 nodes through one jump connection is 100 small writes on one socket; with Nagle each write
  // after the first waits for an ACK that the far end delays (40 ms on Linux). libssh applies it
  // to the socket it connects (not to a socketpair handed over as SSH_OPTIONS_FD).
  int nodelay = 1;
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);
  HostSettings hs;
  try {
    hs = host_settings(ep, opt);
  } catch (const Error& e) {
    cs.error = e.what();
    return cs;
  }
  const SshHostConfig& c = hs.cfg;
  cs.config = hs.config;
  cs.hostname = c.hostname;
  cs.port = c.port;
  // libssh would look up the passwd entry for ~; dust's ~ is $HOME (PRODUCT.md §1). With
  // IdentitiesOnly the directory of libssh's default identities is one that has none.
  std::string dir = paths::join(paths::home(), ".ssh");
  std::string key_dir = c.identities_only ? "/nonexistent/dust-identities-only" : dir;
  ssh_options_set(s, SSH_OPTIONS_HOST, c.hostname.c_str());
  ssh_options_set(s, SSH_OPTIONS_SSH_DIR, key_dir.c_str());
  cs.known_hosts = hs.known_hosts;
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS,
                  cs.known_hosts.empty() ? "/dev/null" : cs.known_hosts.front().c_str());
  // Identities are prepended, so add them lowest precedence first: KeyName keys, then the ssh
  // config's IdentityFile entries (last first, so the first is tried first), then the node's
  // own keyfile.
  auto names = key_name_candidates(ep, opt);
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    ssh_options_set(s, SSH_OPTIONS_IDENTITY, it->c_str());
  for (auto it = hs.identity_files.rbegin(); it != hs.identity_files.rend(); ++it)
    ssh_options_set(s, SSH_OPTIONS_IDENTITY, it->c_str());
  if (!ep.keyfile.empty()) ssh_options_set(s, SSH_OPTIONS_IDENTITY, ep.keyfile.c_str());
  if (!ep.keyfile.empty()) cs.identities.push_back(ep.keyfile);
  cs.identities.insert(cs.identities.end(), hs.identity_files.begin(), hs.identity_files.end());
  for (const auto& n : names)
    if (paths::exists(n)) cs.identities.push_back(n);
  if (!c.identities_only)  // libssh's default identities, in its order
    for (const char* d : {"id_ed25519", "id_ecdsa", "id_rsa"})
      if (std::string f = paths::join(dir, d); paths::exists(f)) cs.identities.push_back(f);
  ssh_options_set(s, SSH_OPTIONS_USER, c.user.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &c.port);
  // ProxyJump: dust opens the tunnel itself (jump.h); a ProxyCommand runs as ssh would run it.
  cs.jump = hs.jump;
  ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND,
                  cs.jump.empty() && !hs.proxy_command.empty() ? hs.proxy_command.c_str() : "none");
  cs.strict = hs.strict;
  // dust applies the policy itself (host_keys.h). libssh, told `no`, reports an unknown or even a
  // CHANGED key as known (SSH_KNOWN_HOSTS_OK) when the global known_hosts lacks the host: it must
  // always report what known_hosts says.
  int strict_in_libssh = 1;
  ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict_in_libssh);
  // Key files first, the agent after them (PRODUCT.md §2): libssh's automatic order is the
  // reverse, and an agent holding many keys would use up the server's MaxAuthTries before the
  // right file is tried. So the first pass runs with the agent switched off.
  cs.agent_sock = hs.agent_sock;
  ssh_options_set(s, SSH_OPTIONS_IDENTITY_AGENT, "/dev/null");
  ssh_set_blocking(s, 0);
  cs.connect_timeout_s = hs.connect_timeout_s;
  cs.not_applied = hs.not_applied;
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
