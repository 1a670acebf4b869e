// The installed documentation generated from the command table and dust's options: the manual page
// dust.1 and the bash completion script (`dust --man`, `dust --bash-completion`, run by the build),
// so neither can fall behind the commands.
#pragma once
#include <string>
#include <vector>

#include "shell/invocation.h"

namespace dust::shell {

class CommandTable;

// dust.1 in man(7) format: name, synopsis, options, every command of `table` (usage, summary, help,
// flags), targets, files, environment, exit status.
std::string man_page(const CommandTable& table, const std::vector<CliOption>& options);

// A bash completion script for dust: its options (and their values: files, directories, log
// levels), then the first word of a one-shot command line from the command table.
std::string bash_completion(const CommandTable& table, const std::vector<CliOption>& options);

}  // namespace dust::shell
