// sudo passwords asked once (PRODUCT.md §9): when nodes of the running command stop at a password
// prompt, the person is asked once (echo off) for all of them and the answer goes to exactly those
// nodes' waiting programs, and to nodes whose prompt shows a moment later in the same command.
// The password never reaches the output path, the log, history or transcripts: it goes straight
// to the sessions (ssh::Pool::send_secret) and is wiped (OPENSSL_cleanse) once the command is over.
// Only nodes of a request (a line the person ran, begin()) that have not finished it are asked for
// and sent the password, each once per prompt: a node nobody named that prints something
// prompt-like gets nothing (its text is shown as output), and an answer is never reused for another
// request.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shell/password_prompt.h"
#include "ssh/pool.h"
#include "util/event_loop.h"

namespace dust::shell {

class Context;

class SudoPrompts {
 public:
  SudoPrompts(Context& ctx, PasswordPrompts prompts);
  ~SudoPrompts();
  SudoPrompts(const SudoPrompts&) = delete;
  SudoPrompts& operator=(const SudoPrompts&) = delete;

  // A request begins on `nodes` (a line sent to them): until each finishes it, its prompt is asked.
  // `busy`: labels of nodes still running an earlier command, to which the line is input.
  void begin(const std::vector<ssh::Endpoint>& nodes, const std::vector<std::string>& busy);
  const PasswordPrompts& prompts() const { return prompts_; }
  // Every node event, before it is printed: true when it was a password prompt (not shown).
  bool on_event(ssh::Pool& pool, const ssh::NodeEvent& e);

 private:
  struct Node {
    ssh::Endpoint ep;
    uint64_t request = 0;  // the request it runs
    int sent = 0;          // answers sent to its prompt in this command
    bool waiting = false;
  };
  void ask(ssh::Pool& pool);  // from the loop, once the prompts of one moment are in
  std::vector<ssh::Endpoint> take_waiting();  // the nodes waiting for an answer, no longer waiting
  void send(ssh::Pool& pool, Node& n);
  void forget(const std::string& key);
  void wipe();

  Context& ctx_;
  PasswordPrompts prompts_;
  std::map<std::string, Node> nodes_;  // by Endpoint::key: nodes running a request of the person
  uint64_t requests_ = 0;              // requests begun so far (ids)
  std::string secret_;                 // the answer given for request secret_request_; wiped
  uint64_t secret_request_ = 0;        // when it is over
  EventLoop::TimerId ask_timer_ = 0;
};

}  // namespace dust::shell
