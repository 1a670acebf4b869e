// The JSON bodies of the protocol's structured frames (frame.h). Decoding checks every field's
// type: a body that does not fit throws dust::Error, and the server drops that client.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dust::server {

// Who connects. Interactive clients are "attached": they get background output and notices, and
// the last one's `exit` ends the server. Command clients (one-shot, script) get their own output
// only. Control clients (kill-server) run nothing.
enum class ClientKind { Interactive, Command, Control };

// What this dust's command line set that the server decides for every client: -F and --log-dir,
// absolute, "" when not given. A server that runs with other ones refuses the client.
struct Settings {
  std::string ssh_config;
  std::string log_dir;
};

// The client a request is served for (docs/server.md): its lines run with these, never with the
// server's own environment, directory or terminal.
struct ClientInfo {
  std::map<std::string, std::string> env;  // Environment::capture() of the client
  std::string cwd;                         // local paths (put, get, load, logdir) resolve here
  bool stdin_tty = false;
  bool stdout_tty = false;
  bool stderr_tty = false;
  bool terminal = false;  // questions can be asked (/dev/tty opens)
  int cols = 0, rows = 0;
  bool colour = false;  // wants coloured [node] prefixes (its stdout is a terminal, no NO_COLOR)
};

struct Hello {
  std::string version;
  ClientKind kind = ClientKind::Command;
  bool json = false;  // --json
  bool yes = false;   // --yes
  // --loglevel as the client gave it ("": none): its lines are logged at that level, to it.
  std::string loglevel;
  Settings settings;
  ClientInfo client;
};

struct Done {
  int status = 0;
  std::string prompt;  // the prompt to show next (interactive)
  bool leave = false;  // the client ends now (exit, detach, the server ends)
  std::string why;     // with leave: what to tell the user ("detached", …)
  // A command for the client's own shell (`!cmd`, a line that is no dust command): the client runs
  // it now, and its status is the line's.
  std::optional<std::string> local;
  bool secret = false;  // the line was typed to a node's password prompt: not kept in history
  // `cd`: the client's new working directory, changed before anything local runs.
  std::optional<std::string> cwd;
};

struct Ask {
  std::string question;  // shown as is (ends with "[y/N] ", ": ", …)
  bool secret = false;   // echo off (a password)
};

struct Size {
  int cols = 0, rows = 0;
};

struct CompleteRequest {
  std::string before;  // the line up to the word being completed
  std::string text;    // the word being completed
};

struct Completions {
  std::vector<std::string> matches;
  bool files = false;  // complete a local file name instead (the client's own directory)
};

std::string encode_hello(const Hello& h);
Hello decode_hello(std::string_view body);
std::string encode_done(const Done& d);
Done decode_done(std::string_view body);
std::string encode_ask(const Ask& a);
Ask decode_ask(std::string_view body);
// nullopt: cancelled (Ctrl-C, end of input, nobody to ask).
std::string encode_answer(const std::optional<std::string>& answer);
std::optional<std::string> decode_answer(std::string_view body);
std::string encode_size(const Size& s);
Size decode_size(std::string_view body);
std::string encode_complete(const CompleteRequest& c);
CompleteRequest decode_complete(std::string_view body);
std::string encode_completions(const Completions& c);
Completions decode_completions(std::string_view body);

}  // namespace dust::server
