// sudo passwords asked once (PRODUCT.md §9): when nodes of the running command stop at a password
// prompt, the person is asked once (echo off) for all of them and the answer goes to exactly those
// nodes' waiting programs, and to nodes whose prompt shows a moment later in the same command.
// The password never reaches the output path, the log, history or transcripts: it goes straight
// to the sessions (ssh::Pool::send_secret) and is wiped (OPENSSL_cleanse) once the command is over.
#pragma once
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "ssh/pool.h"
#include "util/event_loop.h"

namespace dust::shell {

class Context;

// The default prompt plus ssh.password_prompts (ECMAScript regexes, matched against the whole
// partial line without trailing blanks). Throws dust::Error naming a pattern that does not compile.
std::vector<std::regex> password_prompts(const std::vector<std::string>& extra);
bool is_password_prompt(const std::vector<std::regex>& prompts, std::string_view partial);

class SudoPrompts {
 public:
  SudoPrompts(Context& ctx, std::vector<std::regex> prompts);
  ~SudoPrompts();
  SudoPrompts(const SudoPrompts&) = delete;
  SudoPrompts& operator=(const SudoPrompts&) = delete;

  // Every node event, before it is printed: true when it was a password prompt (not shown).
  bool on_event(ssh::Pool& pool, const ssh::NodeEvent& e);

 private:
  struct Node {
    ssh::Endpoint ep;
    int sent = 0;  // answers sent to its prompt in this command
    bool waiting = false;
  };
  void ask(ssh::Pool& pool);  // from the loop, once the prompts of one moment are in
  void send(ssh::Pool& pool, Node& n);
  void forget(const std::string& key);
  void wipe();

  Context& ctx_;
  std::vector<std::regex> prompts_;
  std::map<std::string, Node> nodes_;  // by Endpoint::key: asked or answered in this command
  std::string secret_;                 // the answer for this command; wiped when it is over
  EventLoop::TimerId ask_timer_ = 0;
};

}  // namespace dust::shell
