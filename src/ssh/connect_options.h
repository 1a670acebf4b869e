// The libssh options of one connection (a node or a jump host) from its Endpoint, dust's Options
// and the ssh config, and the settings dust applies itself (host-key policy, agent, timeout).
#pragma once
#include <libssh/libssh.h>

#include <string>
#include <vector>

#include "ssh/endpoint.h"
#include "ssh/options.h"

namespace dust::ssh {

struct ConnectSettings {
  std::string error;   // the ssh config refused this host (nothing else is set)
  std::string config;  // the ssh config file in effect (may not exist)
  std::string strict;  // StrictHostKeyChecking in effect ("true" refuses unknown keys)
  std::vector<std::string> known_hosts;  // UserKnownHostsFile list (checked in order)
  std::string agent_sock;                // ssh-agent socket for the second auth pass ("" = none)
  // The key files in the order they are offered: the ones named (node keyfile, IdentityFile) even
  // when missing, found KeyName files and default identities (~/.ssh/id_*) only when they exist.
  std::vector<std::string> identities;
  std::string jump;      // ProxyJump chain for this host ("" = direct or ProxyCommand)
  std::string hostname;  // where the session connects (HostName)
  int port = 22;
  int connect_timeout_s = 10;
  std::vector<std::string> not_applied;  // keywords set for the host that dust does not apply
};

// Sets host, user, port, identities, known_hosts, ProxyCommand and logging on `s` from the one
// resolved ssh config (host_settings.h); libssh never reads the file itself (PROCESS_CONFIG off).
// Non-blocking, agent off for the first auth pass. The ProxyJump is returned, not applied: dust
// tunnels it.
ConnectSettings configure_session(ssh_session s, const Endpoint& ep, const Options& opt);

// "user@host" as libssh will log in (for messages).
std::string login_of(ssh_session s, const std::string& host);

}  // namespace dust::ssh
