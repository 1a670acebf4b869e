// Leaving dust while remote commands still run: say which nodes, and ask.
#pragma once

namespace dust::shell {

class Context;

// true when dust may quit now: no node runs a command, or the user confirmed (interactive only;
// script and one-shot modes wait for their commands, so nothing runs when they end).
bool confirm_quit(Context& ctx);

}  // namespace dust::shell
