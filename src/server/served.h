// What both dust binaries decide the same way before anything runs: the configuration and the
// -F/--log-dir a client asks for, and whether a running server serves a one-shot or a script. The
// front (front_main.cpp) serves those from a small binary; dust-core (main.cpp) does the rest, and
// the same when it is run directly.
#pragma once
#include <optional>
#include <string>

#include "server/messages.h"
#include "shell/config.h"
#include "shell/invocation.h"

namespace dust::server {

struct ClientSetup {
  shell::Config config;  // config.yaml, with -F (made absolute) when given
  Settings asked;        // -F and --log-dir as the client asks a server for them (absolute)
};

// The setup for `inv`, or nullopt with *err naming what is wrong (a bad config.yaml, no -F file).
std::optional<ClientSetup> client_setup(const shell::Invocation& inv, std::string* err);

// `dust attach`, `dust start-server`, `dust kill-server`: how dust runs, not what it does.
bool is_server_word(const std::string& word);

// A one-shot `line` (or, without one, the script on stdin) run by this DUST_HOME's server when one
// runs and the configuration allows it: the status to exit with. nullopt when it must run in this
// process; *err then says why, when something is wrong with the server (not merely absent).
std::optional<int> run_served(const ClientSetup& setup, const shell::Invocation& inv,
                              const std::optional<std::string>& line, std::string* err);

}  // namespace dust::server
