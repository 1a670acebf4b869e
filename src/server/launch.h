// Finding, starting and stopping this DUST_HOME's server (rendezvous.h).
#pragma once
#include <string>

#include "server/connect.h"
#include "shell/config.h"

namespace dust::server {

// Starts a server in the background (its own session, daemonized) unless one runs, and connects
// to it. Two dust started at once end up with one server: the lock decides, the loser connects to
// the winner. -1 with *err when none could be started.
int start_and_connect(const shell::Config& config, const std::string& log_dir, std::string* err);

}  // namespace dust::server
