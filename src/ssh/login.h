// The user and port dust's ssh logs in with, resolved as a session does it (host_settings: the
// node's own value, then the ssh config, then dust's default), for those who print them
// (inventory, Lua's dust.nodes, assign).
#pragma once
#include <string>

#include "ssh/endpoint.h"
#include "ssh/host_settings.h"
#include "ssh/options.h"

namespace dust::ssh {

// Endpoint::user, else the ssh config's User for the endpoint's host, else Options::default_user.
std::string login_user(const Endpoint& e, const Options& o);

// Endpoint::port, else the ssh config's Port for the endpoint's host, else 22.
int login_port(const Endpoint& e, const Options& o);

}  // namespace dust::ssh
