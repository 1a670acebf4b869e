// dust's own command line: its options, then the words of a command line. One parser (CLI11) for
// both binaries: the front (`dust`, front_main.cpp), which sends a one-shot or a script to a
// running server, and dust-core (main.cpp), which does everything else.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dust::shell {

// One command-line option of dust itself (for the manual page and bash completion).
struct CliOption {
  std::vector<std::string> names;  // "-y", "--yes"
  std::string value;               // "DIR" when it takes a value, else ""
  std::string help;
};

struct Invocation {
  bool yes = false, json = false, version = false, nostdin = false;
  bool man = false, bash_completion = false;  // for the build: generated documentation
  std::string ssh_config, level, log_dir;     // -F, --loglevel, --log-dir as given
  std::vector<std::string> words;             // after the options (`--` removed)
  std::vector<CliOption> options;             // every documented option
  // Set when the command line is already dealt with: --help printed (0) or a usage error (2),
  // its message on stderr.
  std::optional<int> exit_status;
};

Invocation parse_invocation(int argc, char** argv);

}  // namespace dust::shell
