// The terminal's one owner: readline's callback handler, the stdin and Ctrl-C watches on the event
// loop, and every question asked on stdin (confirm/ask). Commands hold the terminal while they run.
#pragma once
#include <functional>
#include <optional>
#include <string>

namespace dust {
class EventLoop;
}

namespace dust::shell {

class ClientIo;
class Printer;

class Terminal {
 public:
  Terminal(EventLoop& loop, Printer& out, bool interactive, bool assume_yes);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // While held, nobody else reads stdin through readline: the prompt is gone, stdin and Ctrl-C
  // are not watched (lines typed ahead stay in the tty and run after the command, as in bash;
  // Ctrl-C counts for the running command). Holds nest; the last release gives the prompt back.
  // Raw mode and nested event loops (transfers, --wait, Lua's dust.run) run under a hold.
  class Hold {
   public:
    explicit Hold(Terminal* t) : t_(t) {}
    Hold(Hold&& o) noexcept : t_(o.t_) { o.t_ = nullptr; }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    Hold& operator=(Hold&&) = delete;
    ~Hold();

   private:
    Terminal* t_;
  };
  [[nodiscard]] Hold hold();
  bool held() const { return holds_ > 0; }
  void set_assume_yes(bool yes) { assume_yes_ = yes; }
  // Where questions are asked: the client the running line is served for (client_io.h).
  void set_client(ClientIo* c) { client_ = c; }

  // Interactive line editing. `on_line` gets each entered line (nullopt for Ctrl-D) outside
  // readline, with the terminal held; `prompt` is asked again every time the prompt comes back.
  void start_editing(std::function<std::string()> prompt,
                     std::function<void(std::optional<std::string>)> on_line);
  void stop_editing();

  // Asks `question` (adds " [y/N] ") on the client's terminal, never on stdout; --yes (or `yes`)
  // answers yes. Anything but y/yes is no. With no terminal to ask on, the answer is no, said on
  // stderr. EOF (Ctrl-D) or Ctrl-C cancels: false, and every later question of the same command is
  // answered no without asking, so a line typed afterwards is never taken as an answer.
  bool confirm(const std::string& question, bool yes = false);
  // Asks for a line with a default (--yes takes the default). EOF, Ctrl-C or no terminal throws
  // dust::Error naming why, so the command stops: a default is never accepted by Ctrl-D.
  std::string ask(const std::string& question, const std::string& default_value);

 private:
  void suspend();
  void resume();
  void install_handler();
  void on_continue();  // SIGCONT (fg after Ctrl-Z): terminal modes back, prompt and line redrawn
  void on_interrupt();

  EventLoop& loop_;
  Printer& out_;
  bool interactive_;
  bool assume_yes_;
  int holds_ = 0;
  ClientIo* client_ = nullptr;
  bool cancelled_ = false;  // a question of the running command was cancelled
  bool editing_ = false;
  bool handler_installed_ = false;
  std::function<std::string()> prompt_;
  std::function<void(std::optional<std::string>)> on_line_;
};

}  // namespace dust::shell
