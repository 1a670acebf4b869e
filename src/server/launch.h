// Finding, starting and stopping this DUST_HOME's server (rendezvous.h).
#pragma once
#include <string>

#include "shell/config.h"

namespace dust::server {

// A connected socket to the running server (blocking), or -1 when none runs (no socket, or a
// stale one nobody listens on). *err is set when something else is wrong (a directory that is not
// ours).
int connect_server(std::string* err);

// Starts a server in the background (its own session, daemonized) unless one runs, and connects
// to it. Two dust started at once end up with one server: the lock decides, the loser connects to
// the winner. -1 with *err when none could be started.
int start_and_connect(const shell::Config& config, const std::string& log_dir, std::string* err);

}  // namespace dust::server
