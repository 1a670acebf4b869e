// dust as a client of its server (server.h): the interactive shell keeps readline, history and the
// terminal here and sends each line; one-shot and script mode send their lines and exit with the
// server's status. `fd` is a connected socket (launch.h); each function takes it over.
#pragma once
#include <optional>
#include <string>

#include "server/messages.h"
#include "shell/invocation.h"

namespace dust::server {

// The attached REPL. Returns the last line's status (1 when the server went away).
// `asked`: -F and --log-dir as given (messages.h).
int run_attached(int fd, const Settings& asked);
// One line (one-shot) or, with none, the lines of stdin (script mode): the worst status. A
// one-shot `@` line takes stdin with it (unless `nostdin`), for its nodes.
// `inv`: --json, --yes, --nostdin and --loglevel as given.
int run_through(int fd, const std::optional<std::string>& line, const shell::Invocation& inv,
                const Settings& asked);
// kill-server: asks the server to end (first, unless `yes`, the person: when clients are attached
// or commands run); 0 once it has ended.
int kill_server(int fd, bool yes);

}  // namespace dust::server
