// A one-shot's stdin on its way to its nodes (remote_stdin.h): in the line itself when small, else
// first to a temporary file on each node (transfer/stdin_job.h).
#pragma once
#include <string>
#include <vector>

#include "ssh/endpoint.h"

namespace dust::shell {

class Context;

struct StdinLines {
  std::vector<std::string> lines;  // one for every node, or one per node of `eps` (as it is now)
  size_t undelivered = 0;          // nodes that did not get it (each said why); left out of eps
  size_t unreachable = 0;          // among them, those that could not be connected to
  bool interrupted = false;        // Ctrl-C (or the client went away) while it travelled
};

// The line(s) to send instead of `command` so that each node's command reads `data`, then end of
// file. Large data is delivered first; a node it could not reach is reported and removed from
// `eps`. A node in `busy` (labels: its shell still runs a command) gets `command` as it is: the
// line is that program's input (`dust @n Y` answers its question), not a new command.
StdinLines stdin_lines(Context& ctx, std::vector<ssh::Endpoint>& eps, const std::string& command,
                       const std::string& data, const std::vector<std::string>& busy);

}  // namespace dust::shell
