// The settings dust connects one endpoint with: the ssh config as OpenSSH resolves it
// (ssh_config.h) under dust's own precedence (cluster file user/port/jump, config.yaml defaults),
// shared by sessions, jump hosts, `ssh-config @target`, inventory and error messages.
#pragma once
#include <string>
#include <vector>

#include "ssh/endpoint.h"
#include "ssh/options.h"
#include "ssh/ssh_config.h"

namespace dust::ssh {

struct HostSettings {
  SshHostConfig cfg;          // user, port and proxyjump already with dust's precedence
  std::string config;         // -F file, else ~/.ssh/config (for the ssh of a ProxyCommand)
  std::string strict;         // "true", "false", "ask" or "accept-new"
  std::string jump;           // ProxyJump chain dust tunnels ("" = direct or ProxyCommand)
  std::string proxy_command;  // tokens expanded; "" = none
  std::vector<std::string> identity_files;  // expanded, in the order to try: those the config
                                            // names (libssh adds the default ones), or with
                                            // IdentitiesOnly ssh's whole list
  std::vector<std::string> known_hosts;     // expanded; empty = none (every key is new)
  std::string agent_sock;                   // "" = no agent
  int connect_timeout_s = 10;
  std::vector<std::string> not_applied;  // keywords set for this host that dust does not apply
};

// Throws dust::Error naming the config problem when ssh would refuse the host or the file.
HostSettings host_settings(const Endpoint& ep, const Options& opt);

// The ssh config file sessions read: Options::ssh_config (~ expanded), else $HOME/.ssh/config.
std::string config_path(const Options& o);

// Logs one warning per keyword per process for `not_applied` (never silently ignored).
void warn_not_applied(const std::vector<std::string>& not_applied, const std::string& config,
                      const std::string& label);

}  // namespace dust::ssh
