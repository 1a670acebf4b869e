// The JSON bodies of the protocol's structured frames (frame.h). Decoding checks every field's
// type: a body that does not fit throws dust::Error, and the server drops that client.
#pragma once
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

struct Hello {
  std::string version;
  ClientKind kind = ClientKind::Command;
  std::string cwd;    // the client's working directory: local paths (put, get, !cmd) resolve there
  bool json = false;  // --json
  bool yes = false;   // --yes
  bool colour = false;  // wants coloured [node] prefixes (its stdout is a terminal, no NO_COLOR)
  Settings settings;
};

struct Done {
  int status = 0;
  std::string prompt;   // the prompt to show next (interactive)
  bool leave = false;   // the client ends now (exit, detach, the server ends)
  std::string why;      // with leave: what to tell the user ("detached", …)
  bool secret = false;  // the line was typed to a node's password prompt: not kept in history
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
std::string encode_complete(const CompleteRequest& c);
CompleteRequest decode_complete(std::string_view body);
std::string encode_completions(const Completions& c);
Completions decode_completions(std::string_view body);

}  // namespace dust::server
