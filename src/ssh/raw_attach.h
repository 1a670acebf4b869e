// Raw mode (`@node` with no command): the local terminal goes raw and bytes flow both ways through
// the node's existing session; Ctrl-C three times in a row comes back, `exit` ends the session.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "ssh/pool.h"
#include "ssh/raw_terminal.h"

namespace dust::ssh {

enum class RawEnd { Detached, SessionEnded, Failed };

// Runs the event loop until the user detaches or the remote shell exits, on `term` (this process's
// terminal, or a served client's). A terminal that goes away ends the session (SIGHUP remotely).
// *err is set when it could not attach; `attaching` runs once attaching is certain (before the
// terminal goes raw), for the announcement. `received`, when set, sees the node's bytes as they are
// shown (transcripts; never the keys typed, which may be a password). A node whose command still
// runs is attached to that command.
RawEnd attach_raw(Pool& pool, const Endpoint& ep, RawTerminal& term, std::string* err,
                  const std::function<void()>& attaching = {},
                  std::function<void(std::string_view)> received = {});

}  // namespace dust::ssh
