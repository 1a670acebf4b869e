// Terminal: readline's callback handler and the stdin/Ctrl-C/SIGCONT watches, lent to commands.
#include "shell/terminal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <readline/readline.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "shell/client_io.h"
#include "shell/printer.h"
#include "util/error.h"
#include "util/event_loop.h"
#include "util/interrupt.h"
#include "util/text.h"

namespace dust::shell {
namespace {

Terminal* g_term = nullptr;          // readline's handler is a plain function
void (*g_on_line)(char*) = nullptr;  // set by start_editing
int g_cont_pipe[2] = {-1, -1};       // SIGCONT self-pipe

void on_sigcont(int) {
  int saved = errno;
  if (g_cont_pipe[1] >= 0) {
    char c = 'c';
    (void)!::write(g_cont_pipe[1], &c, 1);
  }
  errno = saved;
}

void drain(int fd) {
  char buf[64];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

std::string trimmed(const std::string& s) { return std::string(util::trim(s)); }

}  // namespace

Terminal::Terminal(EventLoop& loop, Printer& out, bool interactive, bool assume_yes)
    : loop_(loop), out_(out), interactive_(interactive), assume_yes_(assume_yes) {}

Terminal::~Terminal() { stop_editing(); }

Terminal::Hold::~Hold() {
  if (t_ && --t_->holds_ == 0) t_->resume();
}

Terminal::Hold Terminal::hold() {
  if (holds_++ == 0) {
    cancelled_ = false;  // a new command: its questions are asked afresh
    suspend();
  }
  return Hold(this);
}

void Terminal::suspend() {
  if (!editing_) return;
  loop_.unwatch(STDIN_FILENO);
  loop_.unwatch(interrupt::wake_fd());
  out_.set_prompt_visible(false);
  if (handler_installed_) {
    rl_callback_handler_remove();  // restores the tty's cooked mode: typed lines wait there
    handler_installed_ = false;
  }
}

void Terminal::resume() {
  if (!editing_) return;
  interrupt::reset();
  interrupt::drain();
  install_handler();
  loop_.watch(STDIN_FILENO, POLLIN, [this](short) {
    if (handler_installed_) rl_callback_read_char();  // never without a handler (readline aborts)
  });
  loop_.watch(interrupt::wake_fd(), POLLIN, [this](short) { on_interrupt(); });
}

void Terminal::install_handler() {
  rl_callback_handler_install(prompt_().c_str(), g_on_line);
  handler_installed_ = true;
  out_.set_prompt_visible(true);
}

void Terminal::start_editing(std::function<std::string()> prompt,
                             std::function<void(std::optional<std::string>)> on_line) {
  prompt_ = std::move(prompt);
  on_line_ = std::move(on_line);
  g_term = this;
  g_on_line = [](char* line) {
    Terminal& t = *g_term;
    std::optional<std::string> text;
    if (line) {
      text = line;
      free(line);
    }
    // Leave readline now (inside its handler is the one safe place) and run the line from the
    // loop, outside readline, with the terminal held until the command is over.
    auto held = std::make_shared<Hold>(t.hold());
    t.loop_.after(std::chrono::milliseconds(0), [&t, held, text]() mutable {
      t.on_line_(std::move(text));
      held.reset();
    });
  };
  if (g_cont_pipe[0] < 0 && pipe(g_cont_pipe) == 0) {
    for (int fd : g_cont_pipe) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
  }
  struct sigaction sa {};
  sa.sa_handler = on_sigcont;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCONT, &sa, nullptr);
  loop_.watch(g_cont_pipe[0], POLLIN, [this](short) {
    drain(g_cont_pipe[0]);
    on_continue();
  });
  editing_ = true;
  if (holds_ == 0) resume();
}

void Terminal::stop_editing() {
  if (!editing_) return;
  if (holds_ == 0) suspend();
  editing_ = false;
  if (g_cont_pipe[0] >= 0) loop_.unwatch(g_cont_pipe[0]);
  signal(SIGCONT, SIG_DFL);
  g_term = nullptr;
}

void Terminal::on_continue() {
  // While stopped, the job-control shell put the tty back in its own (cooked) mode; readline
  // still believes it is prepared. Prepare it again and redraw the prompt with the typed line.
  if (!editing_ || holds_ > 0 || !handler_installed_) return;
  (*rl_deprep_term_function)();
  (*rl_prep_term_function)(1);
  rl_resize_terminal();
  FILE* out = rl_outstream ? rl_outstream : stdout;
  fputs("\r", out);
  fflush(out);
  rl_forced_update_display();
}

// Ctrl-C at the prompt: drop the typed line, fresh prompt; the shell never dies of it.
void Terminal::on_interrupt() {
  interrupt::drain();
  interrupt::reset();
  if (!handler_installed_) return;
  rl_replace_line("", 0);
  rl_point = rl_end = 0;
  FILE* out = rl_outstream ? rl_outstream : stdout;
  fputs("^C\n", out);
  fflush(out);
  rl_on_new_line();
  rl_redisplay();
}

bool Terminal::confirm(const std::string& question, bool yes) {
  if (assume_yes_ || yes) {
    out_.out(fmt::format("{} [y/N] yes (--yes)\n", question));  // a record, not a question
    return true;
  }
  if (cancelled_) return false;
  if (!client_ || !client_->can_ask()) {
    out_.err(fmt::format("{} [y/N] no: no terminal to ask on (--yes answers yes)\n", question));
    cancelled_ = true;
    return false;
  }
  std::optional<std::string> answer = client_->ask(question + " [y/N] ", false);
  if (!answer) {
    cancelled_ = true;
    return false;
  }
  std::string a = trimmed(*answer);
  std::transform(a.begin(), a.end(), a.begin(), ::tolower);
  return a == "y" || a == "yes";
}

std::string Terminal::ask(const std::string& question, const std::string& default_value) {
  if (assume_yes_) return default_value;
  if (cancelled_) throw Error("cancelled");
  if (!client_ || !client_->can_ask()) {
    cancelled_ = true;
    throw Error(
        fmt::format("'{}' needs an answer and there is no terminal to ask on (--yes takes "
                    "the defaults)",
                    question));
  }
  std::optional<std::string> answer =
      client_->ask(default_value.empty() ? fmt::format("{}: ", question)
                                         : fmt::format("{} [{}]: ", question, default_value),
                   false);
  if (!answer) {
    cancelled_ = true;
    throw Error("cancelled");
  }
  std::string a = trimmed(*answer);
  return a.empty() ? default_value : a;
}

}  // namespace dust::shell
