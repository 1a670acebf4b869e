// The three ways dust runs command lines: interactive REPL (readline callback interface on the
// event loop), script mode (lines from stdin), one-shot (one line from argv).
#pragma once
#include <string>

namespace dust::shell {

class Context;

int run_repl(Context& ctx);
int run_script(Context& ctx);
int run_one_shot(Context& ctx, const std::string& line);

}  // namespace dust::shell
