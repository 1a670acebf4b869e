// The REPL's command history: $DUST_HOME/history, each line appended as it is entered (so two
// shells, or a crash, lose nothing), kept to the last 5,000 lines.
#pragma once
#include <string>

namespace dust::shell {

void open_history();
void remember(const std::string& line);  // blank lines are not kept
void close_history();

}  // namespace dust::shell
