// Runs one command line: built-in or drop-in command, `@…` ssh, `!cmd`/unknown → local shell, `?`.
#pragma once
#include <string>

namespace dust::shell {

class Context;

// Returns the exit status. Never throws: errors are printed, naming what was wrong.
int execute_line(Context& ctx, const std::string& line);

// Runs `cmd` with /bin/sh -c in the foreground; returns its exit status.
int run_local(const std::string& cmd);

}  // namespace dust::shell
