// The libssh options of one connection (a node or a jump host) from its Endpoint, dust's Options
// and the ssh config, and the settings dust applies itself (host-key policy, agent, timeout).
#pragma once
#include <libssh/libssh.h>

#include <string>

#include "ssh/endpoint.h"
#include "ssh/options.h"

namespace dust::ssh {

struct ConnectSettings {
  std::string config;      // the ssh config file in effect (may not exist)
  std::string strict;      // StrictHostKeyChecking in effect
  std::string agent_sock;  // ssh-agent socket for the second auth pass ("" = none)
  std::string jump;        // ProxyJump chain for this host ("" = direct or ProxyCommand)
  int connect_timeout_s = 10;
};

// Sets host, user, port, identities, known_hosts, the ssh config and logging on `s` (non-blocking,
// agent off for the first auth pass). The ProxyJump is returned, not applied: dust tunnels it.
ConnectSettings configure_session(ssh_session s, const Endpoint& ep, const Options& opt);

// "user@host" as libssh will log in (for messages).
std::string login_of(ssh_session s, const std::string& host);

}  // namespace dust::ssh
