// A one-shot's stdin on its way to its nodes (remote_stdin.h): in the line itself when small, else
// first to a temporary file on each node (transfer/stdin_job.h).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "ssh/endpoint.h"

namespace dust::shell {

class Context;

struct StdinLines {
  std::vector<std::string> lines;  // one for every node, or one per node of `eps`
  // Nodes it did not reach (Endpoint::key → why): they get no line and end with that error
  // (ssh::RunOptions::failing), in the results, the summary and JSON as an unreachable node is.
  std::map<std::string, std::string> failed;
  bool interrupted = false;  // Ctrl-C (or the client went away) while it travelled
};

// The line(s) to send instead of `command` so that each node's command reads `data`, then end of
// file. Large data is delivered first; where the command will not run (interrupted, or the node
// failed) the files delivered are removed again. A node in `busy` (labels: its shell still runs a
// command) gets `command` as it is: the line is that program's input (`dust @n Y` answers its
// question), not a new command.
StdinLines stdin_lines(Context& ctx, const std::vector<ssh::Endpoint>& eps,
                       const std::string& command, const std::string& data,
                       const std::vector<std::string>& busy);

}  // namespace dust::shell
