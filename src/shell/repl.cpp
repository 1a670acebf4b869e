// REPL: readline in callback mode so asynchronous output (ssh lines, background jobs) can be printed
// while the user types, with the typed line redrawn (Printer handles the clearing).
#include "shell/repl.h"

#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <cstring>
#include <iostream>

#include "shell/command_table.h"
#include "shell/completion.h"
#include "shell/context.h"
#include "shell/dispatch.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::shell {
namespace {

Context* g_ctx = nullptr;
std::string g_history;
int g_status = 0;

void install_prompt() {
  rl_callback_handler_install(g_ctx->prompt().c_str(), [](char* line) {
    // Leave readline while the command runs: it may prompt (confirm) or take over the tty (raw mode).
    rl_callback_handler_remove();
    g_ctx->out().set_prompt_visible(false);
    if (!line) {  // Ctrl-D
      g_ctx->out().out("\n");
      g_ctx->quit_requested = true;
      return;
    }
    std::string text = line;
    free(line);
    if (text.find_first_not_of(" \t") != std::string::npos) {
      add_history(text.c_str());
      append_history(1, g_history.c_str());
    }
    interrupt::reset();
    g_status = execute_line(*g_ctx, text);
    interrupt::reset();
    interrupt::drain();
    if (!g_ctx->quit_requested) {
      install_prompt();
      g_ctx->out().set_prompt_visible(true);
    }
  });
}

// Ctrl-C at the prompt: drop the typed line, fresh prompt; the shell never dies of it.
void cancel_line() {
  interrupt::drain();
  interrupt::reset();
  if (!g_ctx->out().prompt_visible()) return;
  rl_replace_line("", 0);
  rl_point = rl_end = 0;
  FILE* out = rl_outstream ? rl_outstream : stdout;
  fputs("^C\n", out);
  fflush(out);
  rl_on_new_line();
  rl_redisplay();
}

}  // namespace

int run_repl(Context& ctx) {
  g_ctx = &ctx;
  g_history = paths::join(paths::ensure_dust_home(), "history");
  using_history();
  if (read_history(g_history.c_str()) != 0) write_history(g_history.c_str());  // append needs a file
  rl_catch_signals = 0;  // our SIGINT handler counts; readline must not re-raise it
  rl_readline_name = "dust";
  setup_completion(ctx);
  log::set_writer([&ctx](const std::string& s) { ctx.out().err(s); });

  install_prompt();
  ctx.out().set_prompt_visible(true);
  ctx.loop().watch(STDIN_FILENO, POLLIN, [](short) { rl_callback_read_char(); });
  ctx.loop().watch(interrupt::wake_fd(), POLLIN, [](short) { cancel_line(); });
  while (!ctx.quit_requested) ctx.loop().run_once(std::chrono::milliseconds(1000));
  ctx.loop().unwatch(STDIN_FILENO);
  ctx.loop().unwatch(interrupt::wake_fd());
  rl_callback_handler_remove();
  ctx.out().set_prompt_visible(false);
  history_truncate_file(g_history.c_str(), 5000);
  log::set_writer(nullptr);
  return g_status;
}

int run_script(Context& ctx) {
  int worst = 0;
  std::string line;
  while (!ctx.quit_requested && std::getline(std::cin, line)) {
    int rc = execute_line(ctx, line);
    if (rc != 0) worst = rc;
  }
  return worst;
}

int run_one_shot(Context& ctx, const std::string& line) { return execute_line(ctx, line); }

}  // namespace dust::shell
