// Runs one command line: built-in or drop-in command, `@…` ssh, `!cmd`/unknown → local shell, `?`.
#pragma once
#include <string>

namespace dust::shell {

class Context;

// Returns the exit status. Never throws: errors are printed, naming what was wrong.
int execute_line(Context& ctx, const std::string& line);

struct Command;

// Runs one table row with the text after its name: parses and unquotes the arguments, checks them
// against the row (usage errors print the row's usage and return 2), resolves the target, asks when
// a plain name matches several nodes (rows that act), then calls the row's handler.
int run_command(Context& ctx, const Command& c, const std::string& rest);

}  // namespace dust::shell
