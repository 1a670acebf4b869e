// The client a request is served for (docs/server.md): its environment, working directory,
// terminal, questions and local commands. In one process it is the process itself (LocalClientIo);
// in a dust server it is the connection that sent the line. Nothing that serves a request reads the
// process's own environment, fds 0-2 or tty: it asks this.
#pragma once
#include <optional>
#include <string>

#include "ssh/raw_terminal.h"
#include "util/environment.h"

namespace dust::shell {

class ClientIo {
 public:
  virtual ~ClientIo() = default;
  virtual const Environment& env() const = 0;
  // Where local paths (put, get, load FILE) resolve: the client's working directory.
  virtual const std::string& cwd() const = 0;
  virtual bool stdin_tty() const = 0;   // a person types the lines
  virtual bool stderr_tty() const = 0;  // progress lines may be drawn
  // The width of its terminal (80 when it has none or does not say).
  virtual int columns() const { return 80; }
  // A person can answer questions (the client has a terminal).
  virtual bool can_ask() const = 0;
  // Asks on the client's terminal, never on stdout; `secret`: echo off. nullopt when cancelled
  // (Ctrl-C, end of input) or when nobody can answer.
  virtual std::optional<std::string> ask(const std::string& question, bool secret) = 0;
  // A command for the client's local shell (`!cmd`, a line that is not a dust command). Returns its
  // status; a served client runs it after the line (the server never forks a shell for it).
  virtual int run_local(const std::string& command) = 0;
  // `cd`: the client's working directory becomes `dir` (absolute, an existing directory). A served
  // client changes its own once the line is over (Done.cwd). Throws dust::Error when it cannot.
  virtual void change_directory(const std::string& dir) = 0;
  virtual const std::string& previous_cwd() const = 0;  // before the last `cd` ("" if none)
  // Its terminal for raw mode (`@node`).
  virtual ssh::RawTerminal& raw_terminal() = 0;
  // A one-shot's stdin, for its nodes (remote_stdin.h): nullopt when it has none to give (a
  // terminal, interactive or script mode); "" (end of file at once) with --nostdin, as `ssh -n`.
  // Throws dust::Error when it is too large.
  virtual std::optional<std::string> stdin_data() = 0;
};

// This process as the client: its own environment, cwd and terminal (/dev/tty).
class LocalClientIo : public ClientIo {
 public:
  explicit LocalClientIo(EventLoop& loop);
  const Environment& env() const override { return env_; }
  const std::string& cwd() const override { return cwd_; }
  bool stdin_tty() const override;
  bool stderr_tty() const override;
  int columns() const override;
  bool can_ask() const override;
  std::optional<std::string> ask(const std::string& question, bool secret) override;
  int run_local(const std::string& command) override;
  void change_directory(const std::string& dir) override;
  const std::string& previous_cwd() const override { return previous_cwd_; }
  ssh::RawTerminal& raw_terminal() override { return raw_; }
  std::optional<std::string> stdin_data() override;
  // A one-shot: its stdin (when not a terminal) is read on first use; with --nostdin (`forward`
  // false) its nodes' commands get end of file instead.
  void one_shot_stdin(bool forward) { stdin_use_ = forward ? StdinUse::Forward : StdinUse::Eof; }
  // Outside the interactive shell dust is not the job-control shell: a local command stays in
  // dust's own job (run_local_command).
  void set_job_control(bool on) { job_control_ = on; }

 private:
  bool job_control_ = true;
  enum class StdinUse { None, Forward, Eof } stdin_use_ = StdinUse::None;
  std::optional<std::string> stdin_;
  Environment env_;
  std::string cwd_, previous_cwd_;
  ssh::LocalRawTerminal raw_;
};

// Asks on this process's terminal (/dev/tty), never on stdout; `secret`: echo off. nullopt when
// there is no terminal, or on Ctrl-C / end of input.
std::optional<std::string> ask_on_terminal(const std::string& question, bool secret);
bool have_terminal();

// Reads this process's stdin to its end for a one-shot's nodes: nullopt when stdin is a terminal;
// throws dust::Error past kMaxStdin.
std::optional<std::string> read_all_stdin();

// Runs `command` with /bin/sh in this process's terminal. With `job_control` (the interactive
// shell) and a terminal the command gets its foreground (Ctrl-C and Ctrl-Z act on it, not on dust)
// and a stopped command is reported and left stopped; without (a one-shot, a script) it stays in
// dust's process group: Ctrl-Z stops dust with it, and the user's shell's `fg` resumes both.
// Returns its status (128+signal when killed).
int run_local_command(const std::string& command, bool job_control = true);

}  // namespace dust::shell
