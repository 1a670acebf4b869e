// Sessions (see sessions.h).
#include "shell/sessions.h"

#include <unistd.h>

#include <algorithm>

#include "shell/context.h"
#include "shell/proxy_jump.h"
#include "shell/sudo.h"
#include "ssh/endpoint.h"
#include "util/error.h"
#include "util/sanitise.h"

namespace dust::shell {

Sessions::Sessions(Context& ctx) : ctx_(ctx), format_(NodeOutput::colour_wanted(STDOUT_FILENO)) {}

Sessions::~Sessions() {
  if (timer_) ctx_.loop().cancel(timer_);
  flush_notices();  // nothing a node reported is lost at exit
}

ssh::Pool& Sessions::pool() {
  if (!pool_) {
    const Config& c = ctx_.config();
    ssh::Options o;
    o.fanout = c.fanout;
    o.connect_timeout_s = c.connect_timeout_s;
    o.ssh_config = c.ssh_config;
    o.default_user = c.ssh_user;
    o.address = c.ssh_address;
    o.strict_host_key = c.strict_host_key;
    o.key_files = c.keys;
    o.summarise_floods = ctx_.interactive();  // one-shot and script mode print every line
    sudo_ = std::make_unique<SudoPrompts>(ctx_, PasswordPrompts(c.password_prompts));
    pool_ = std::make_unique<ssh::Pool>(ctx_.loop(), o, static_cast<ssh::Sink&>(*this));
  }
  return *pool_;
}

std::vector<ssh::Endpoint> Sessions::endpoints(const std::vector<const Node*>& nodes) {
  std::vector<ssh::Endpoint> out;
  std::vector<std::string> names = ctx_.labels(nodes);
  for (size_t i = 0; i < nodes.size(); ++i) {
    out.push_back(ssh::endpoint_for(*nodes[i], pool().options()));
    out.back().node_label = names[i];
  }
  if (!ctx_.config().proxy_jump.empty() && ctx_.have_nodes()) {
    std::vector<const Node*> all;
    for (const Node& n : ctx_.nodes()) all.push_back(&n);
    apply_config_jump(out, ctx_.config().proxy_jump, all, ctx_.labels(all), pool().options());
  }
  return out;
}

std::string Sessions::label(const ssh::Endpoint& ep) {
  // Only the cached working set: printing a line must never wait for an EC2 call. While the cache
  // is dropped (after tag, start, …) the names of the last working set stand until the next fetch.
  if (ctx_.have_nodes()) {
    try {
      const Nodes& all = ctx_.nodes();
      if (labels_gen_ != ctx_.generation()) {
        std::vector<const Node*> some;
        for (const Node& n : all)
          if (!n.id.empty()) some.push_back(&n);
        std::vector<std::string> names = ctx_.labels(some);
        labels_.clear();
        for (size_t i = 0; i < some.size(); ++i) labels_[some[i]->id] = names[i];
        labels_gen_ = ctx_.generation();
        prefixes_.clear();
      }
    } catch (const Error&) {
      // A cluster file that no longer reads: the names of the last working set stand.
    }
  }
  if (auto it = labels_.find(ep.key); it != labels_.end()) return it->second;
  // Not in the working set (another cluster, terminated): the name it had, with its id so that it
  // is never confused with a node of the working set that has that name now.
  if (ep.key.empty() || ep.node_label == ep.key || ep.node_label.find(ep.key) != std::string::npos)
    return ep.node_label;
  return ep.node_label + "(" + ep.key + ")";
}

const std::string& Sessions::prefix(const ssh::Endpoint& ep) {
  std::string now = label(ep);  // may rebuild labels_ (and clear prefixes_)
  auto& [text, cached] = prefixes_[ep.key];
  if (text.empty() || now != cached) {
    cached = now;
    text = format_.prefix(ep.key, now);
  }
  return text;
}

std::shared_ptr<ssh::Job> Sessions::run(const std::vector<ssh::Endpoint>& nodes,
                                        const std::vector<std::string>& lines, Sending how) {
  how.pool.summarise = ctx_.interactive();
  std::vector<std::string> busy = pool().busy_nodes();  // (pool() creates sudo_)
  sudo_->begin(nodes, busy);
  const bool secret = typing_secret(nodes);
  for (const auto& ep : nodes) asking_secret_.erase(ep.key);  // answered (or not): input went
  if (!tap_) return pool().run(nodes, lines, how.pool);
  // Recorded before it is sent, so that the line precedes its output in the transcript.
  std::vector<std::string> labels;
  for (const auto& ep : nodes) labels.push_back(label(ep));
  tap_->begin(nodes, labels);
  for (size_t i = 0; i < nodes.size(); ++i) {
    bool running = std::find(busy.begin(), busy.end(), nodes[i].node_label) != busy.end();
    if (running && how.pool.mode == ssh::Send::IdleOnly) continue;  // not sent: reported busy
    if (how.pool.failing.count(nodes[i].key)) continue;  // not sent: the node ends with its error
    tap_->sent(nodes[i], labels[i],
               how.record_as       ? *how.record_as
               : lines.size() == 1 ? lines[0]
                                   : lines[i],
               secret    ? Tap::Sent::Secret
               : running ? Tap::Sent::Input
                         : Tap::Sent::Command);
  }
  auto job = pool().run(nodes, lines, how.pool);
  if (tap_) tap_->job(job);
  return job;
}

bool Sessions::typing_secret(const std::vector<ssh::Endpoint>& nodes) const {
  for (const auto& ep : nodes)
    if (asking_secret_.count(ep.key)) return true;
  return false;
}

bool Sessions::may_remember(std::string_view line) const {
  size_t i = line.find_first_not_of(" \t");
  return asking_secret_.empty() || i == std::string_view::npos || line[i] != '@';
}

void Sessions::on_event(const ssh::NodeEvent& e, bool taken) {
  using Kind = ssh::NodeEvent::Kind;
  if (tap_) tap_->event(e, label(e.node));
  bool sudo_prompt = sudo_ && pool_ && sudo_->on_event(*pool_, e);  // asked once, answered by dust
  // A prompt for a secret that dust does not answer: what the person types to it is not recorded.
  if (e.kind == Kind::Partial && !sudo_prompt && sudo_ && sudo_->prompts().asks_secret(e.text))
    asking_secret_.insert(e.node.key);
  else if (e.kind != Kind::Notice)
    asking_secret_.erase(e.node.key);
  if (sudo_prompt) return;
  if (taken) return;
  switch (e.kind) {
    case Kind::Line:
    case Kind::Partial:
      if (!notices_.empty()) flush_notices(e.node.key);  // its own notices stay before its output
      // Plain colour passes to a terminal only (util/sanitise.h); the rest was escaped already.
      ctx_.out().queue_line(prefix(e.node),
                            format_.colour() ? std::string(e.text) : util::strip_sgr(e.text),
                            e.node.key);
      break;
    case Kind::Error:
    case Kind::Notice:
      hold_notice(e);  // folded with other nodes' (sessions_report.cpp)
      break;
    case Kind::Done:
      break;
  }
}

}  // namespace dust::shell
