// The one command table: built-ins (registered from src/shell/commands/) plus drop-in commands.
#pragma once
#include <string>
#include <vector>

#include "shell/command.h"
#include "shell/words.h"

namespace dust::shell {

class CommandTable {
 public:
  static CommandTable& instance();

  void add(Command c);  // replaces an existing entry of the same name
  const Command* find(const std::string& name_or_alias) const;
  const std::vector<Command>& all() const { return commands_; }
  std::vector<std::string> names() const;  // names and aliases, sorted
  // Closest command name within a small edit distance, or "" (for "did you mean").
  std::string suggest(const std::string& word) const;

 private:
  std::vector<Command> commands_;
};

// Registers every built-in command (each commands/*.cpp exposes one register function).
void register_builtins(CommandTable& t);

// Splits `rest` into flags and positionals according to c.flags (words before `--` that start with
// '-' and a letter are flags). Throws UsageError on an unknown flag. raw[i] is words[i] as typed.
void parse_args(const Command& c, const std::string& rest, Args* out,
                std::vector<std::string>* raw);

}  // namespace dust::shell
