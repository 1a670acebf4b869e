// The one command table: built-ins (registered from src/shell/commands/) plus drop-in commands.
#pragma once
#include <string>
#include <vector>

#include "shell/command.h"

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

// One word of a command line: as typed (quotes kept, for the target language, which has quotes of
// its own: tags="a:b":c) and unquoted (for every other argument).
struct Word {
  std::string raw;
  std::string text;
};

// Splits a line at blanks outside quotes. 'single' quotes keep everything literally; in "double"
// quotes and outside quotes a backslash escapes the next character. Quotes may join parts of a word
// (Name='my node' is one word, Name=my node). Throws UsageError on an unclosed quote.
std::vector<Word> split_words(const std::string& line);
// The line a one-shot's arguments (`dust get -r web "" dir`) stand for, for split_words: one
// argument is a whole line as typed; of several, each stays one word (an empty one, one with blanks
// or a lone quote is quoted or escaped), unless it reads as one word already with quotes of its own
// (a target such as tags="a b":c), or the line goes to nodes or the local shell as typed (@, !),
// which join their words with blanks as ssh does.
std::string one_shot_line(const std::vector<std::string>& args);
// Where the first word of `line` ends by the same rules (the first blank outside quotes), or npos.
// An unclosed quote runs to the end of the line.
size_t first_word_end(const std::string& line);

// Splits `rest` into flags and positionals according to c.flags (words before `--` that start with
// '-' and a letter are flags). Throws UsageError on an unknown flag. raw[i] is words[i] as typed.
void parse_args(const Command& c, const std::string& rest, Args* out,
                std::vector<std::string>* raw);

}  // namespace dust::shell
