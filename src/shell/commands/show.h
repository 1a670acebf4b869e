// Shared by show and showex: print the selected nodes, grouped, as a table or JSON lines.
#pragma once
#include "shell/command.h"

namespace dust::shell {

int show_nodes(Context& ctx, const Args& a, bool verbose);

}  // namespace dust::shell
