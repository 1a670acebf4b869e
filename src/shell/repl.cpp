// REPL: readline in callback mode (owned by Terminal) so asynchronous output (ssh lines, background
// jobs) can be printed while the user types, with the typed line redrawn (Printer clears it).
#include "shell/repl.h"

#include <readline/readline.h>

#include <iostream>

#include "shell/command_table.h"
#include "shell/completion.h"
#include "shell/context.h"
#include "shell/dispatch.h"
#include "shell/history.h"
#include "shell/quit.h"
#include "shell/sessions.h"
#include "shell/terminal.h"
#include "util/interrupt.h"
#include "util/log.h"

namespace dust::shell {
namespace {

int g_status = 0;

}  // namespace

int run_repl(Context& ctx) {
  open_history();
  rl_catch_signals = 0;  // our SIGINT handler counts; readline must not re-raise it
  rl_readline_name = "dust";
  setup_completion(ctx);
  log::set_writer([&ctx](const std::string& s) { ctx.out().err(s); });

  Terminal& term = ctx.terminal();
  // Each line runs with the terminal held (Terminal::start_editing): no prompt, stdin unwatched.
  term.start_editing([&ctx] { return ctx.prompt(); },
                     [&ctx, &term](std::optional<std::string> line) {
                       if (!line) {  // Ctrl-D
                         ctx.out().out("\n");
                         if (confirm_quit(ctx)) ctx.quit_requested = true;
                       } else {
                         // Not a line typed to a node's password prompt (sessions.h).
                         if (ctx.sessions().may_remember(*line)) remember(*line);
                         interrupt::reset();
                         g_status = execute_line(ctx, *line);
                       }
                       if (ctx.quit_requested) term.stop_editing();
                     });
  while (!ctx.quit_requested) ctx.loop().run_once(std::chrono::milliseconds(1000));
  term.stop_editing();
  close_history();
  log::set_writer(nullptr);
  return g_status;
}

int run_script(Context& ctx) {
  int worst = 0;
  std::string line;
  while (!ctx.quit_requested && std::getline(std::cin, line)) {
    Terminal::Hold held = ctx.terminal().hold();  // one command: its questions start afresh
    int rc = execute_line(ctx, line);
    if (rc != 0) worst = rc;
    // A script stops at Ctrl-C (130), whatever the line did with it, as it does through a server.
    if (interrupt::pending()) return 130;
  }
  return interrupt::pending() ? 130 : worst;  // Ctrl-C while it waited for its next line
}

int run_one_shot(Context& ctx, const std::string& line) {
  Terminal::Hold held = ctx.terminal().hold();
  return execute_line(ctx, line);
}

}  // namespace dust::shell
