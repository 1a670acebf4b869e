// SudoPrompts: prompt detection, one question for the nodes of one moment, the answer sent through
// the secret path and wiped.
#include "shell/sudo.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <algorithm>

#include "shell/attachments.h"
#include "shell/client_io.h"
#include "shell/context.h"
#include "shell/printer.h"
#include "shell/terminal.h"
#include "util/error.h"
#include "util/fold.h"

namespace dust::shell {

using namespace std::chrono_literals;

namespace {
// Other nodes' prompts of the same command arrive within a moment of the first (their idle flush):
// gathered so that one question covers them.
constexpr auto kGather = 300ms;
constexpr int kMaxAnswers = 3;  // sudo's own passwd_tries
const char* kNoTerminal = "sudo asked for a password; run interactively or allow NOPASSWD";

void wipe_string(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
  s.shrink_to_fit();
}

// Who answers a password question now: the client of the running line, else (a prompt after
// the line returned) an attached client of the server; nullptr when nobody can.
ClientIo* asker(Context& ctx) {
  if (ctx.attachments()) return ctx.attachments()->asker();
  return ctx.client().can_ask() ? &ctx.client() : nullptr;
}
}  // namespace

SudoPrompts::SudoPrompts(Context& ctx, PasswordPrompts prompts)
    : ctx_(ctx), prompts_(std::move(prompts)) {}

SudoPrompts::~SudoPrompts() {
  if (ask_timer_) ctx_.loop().cancel(ask_timer_);
  wipe();
}

void SudoPrompts::begin(const std::vector<ssh::Endpoint>& nodes,
                        const std::vector<std::string>& busy) {
  ++requests_;
  for (const auto& ep : nodes) {
    Node& n = nodes_[ep.key];
    // A line typed to a node still running an earlier request (`@web Y`) is input to it: the node
    // stays in that request (its prompt may still come, "a moment later").
    bool running = std::find(busy.begin(), busy.end(), ep.node_label) != busy.end();
    if (n.request == 0 || !running) {
      if (n.waiting) continue;  // its question is on its way (the line is input to sudo)
      n = Node{ep, requests_};
    }
  }
}

bool SudoPrompts::on_event(ssh::Pool& pool, const ssh::NodeEvent& e) {
  using Kind = ssh::NodeEvent::Kind;
  if (e.kind == Kind::Done || e.kind == Kind::Error) {
    forget(e.node.key);
    return false;
  }
  if (e.kind != Kind::Partial) return false;
  auto it = nodes_.find(e.node.key);
  // Not running a request of the person (background output, a node nobody named): shown as output.
  if (it == nodes_.end() || !prompts_.matches(e.text)) return false;
  if (pool.host_key_changed(e.node)) {
    // Connected past a changed host key (StrictHostKeyChecking no): maybe not the node at all.
    pool.emit({Kind::Notice, e.node,
               "sudo password not asked for: this node's host key changed (see the warning)"});
    return false;
  }
  if (!asker(ctx_)) {
    // Nobody to ask: the node fails now rather than waiting for ever at its prompt.
    pool.emit({Kind::Error, e.node, kNoTerminal});
    pool.interrupt(std::vector<ssh::Endpoint>{e.node});
    return true;
  }
  Node& n = it->second;
  if (n.sent >= kMaxAnswers) return false;  // sudo gives up by itself; show what it says
  if (n.waiting) return true;               // already asked for; the question is on its way
  if (n.sent == 0 && !secret_.empty() && secret_request_ == n.request) {
    send(pool, n);  // a moment later in the same command: the same answer, no second question
    return true;
  }
  // First prompt, or the prompt again after an answer ("Sorry, try again"): ask (once for all).
  if (n.sent > 0) wipe();  // that answer was wrong: nobody gets it again
  n.waiting = true;
  if (!ask_timer_)
    ask_timer_ = ctx_.loop().after(kGather, [this, &pool] {
      ask_timer_ = 0;
      ask(pool);
    });
  return true;
}

void SudoPrompts::ask(ssh::Pool& pool) {
  std::vector<std::string> labels;
  for (auto& [k, n] : nodes_)
    if (n.waiting) labels.push_back(n.ep.node_label);
  if (labels.empty()) return;
  std::string who_names = fold_names(labels);
  ClientIo* who = asker(ctx_);
  if (!who) {
    for (const ssh::Endpoint& ep : take_waiting()) {
      pool.emit({ssh::NodeEvent::Kind::Error, ep, kNoTerminal});
      pool.interrupt(std::vector<ssh::Endpoint>{ep});
    }
    return;
  }
  std::optional<std::string> given;
  {
    // Held first: the prompt leaves before the question shows, and comes back after the answer.
    Terminal::Hold hold = ctx_.terminal().hold();
    given = who->ask(fmt::format("sudo password for {} ({} node{}): ", who_names, labels.size(),
                                 labels.size() == 1 ? "" : "s"),
                     true);
  }
  bool ok = given.has_value();
  std::string answer;
  if (given) answer = std::move(*given), wipe_string(*given);
  if (!ok) {
    wipe_string(answer);
    for (const ssh::Endpoint& ep : take_waiting()) {
      pool.emit({ssh::NodeEvent::Kind::Notice, ep, "sudo password not given: interrupted"});
      pool.interrupt(std::vector<ssh::Endpoint>{ep});
    }
    return;
  }
  wipe();
  secret_ = std::move(answer);
  wipe_string(answer);
  secret_request_ = 0;
  std::vector<std::string> keys;
  for (auto& [k, n] : nodes_)
    if (n.waiting) {
      secret_request_ = n.request;  // the newest request asked for (one question per moment)
      keys.push_back(k);
    }
  // By key, looked up again each time: sending may end a node (its events reach on_event, which
  // forgets it), and a map iterated while that erases crashed the server.
  for (const std::string& k : keys)
    if (auto it = nodes_.find(k); it != nodes_.end() && it->second.waiting) send(pool, it->second);
}

std::vector<ssh::Endpoint> SudoPrompts::take_waiting() {
  // Copied out before anything is emitted or interrupted: those reach on_event, which erases
  // nodes that end (forget) while a loop over nodes_ would still be walking it.
  std::vector<ssh::Endpoint> out;
  for (auto& [k, n] : nodes_)
    if (n.waiting) n.waiting = false, out.push_back(n.ep);
  return out;
}

void SudoPrompts::send(ssh::Pool& pool, Node& n) {
  n.waiting = false;
  ++n.sent;
  pool.send_secret(n.ep, secret_);
}

void SudoPrompts::forget(const std::string& key) {
  nodes_.erase(key);
  if (secret_.empty()) return;  // no answer held: nothing to scan for (500 nodes end per command)
  // The request the answer was for is over on every node: the answer goes.
  for (const auto& [k, n] : nodes_)
    if (n.request == secret_request_) return;
  wipe();
}

void SudoPrompts::wipe() { wipe_string(secret_); }

}  // namespace dust::shell
