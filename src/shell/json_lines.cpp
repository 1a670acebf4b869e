// JSON lines for node output (see json_lines.h).
#include "shell/json_lines.h"

#include "shell/context.h"
#include "shell/sessions.h"
#include "util/sanitise.h"

namespace dust::shell {

std::string json_record(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

nlohmann::json summary_record(size_t ok, const std::vector<std::string>& failed_nodes) {
  return {
      {"summary", {{"ok", ok}, {"failed", failed_nodes.size()}, {"failed_nodes", failed_nodes}}}};
}

JsonLines::JsonLines(Context& ctx, const std::vector<ssh::Endpoint>& eps)
    : ctx_(ctx), eps_(eps), ended_(eps.size(), false) {
  for (size_t i = 0; i < eps_.size(); ++i) {
    labels_.push_back(ctx.sessions().label(eps_[i]));
    index_[eps_[i].key] = i;
  }
}

void JsonLines::write(const nlohmann::json& j) { ctx_.out().out(json_record(j)); }

bool JsonLines::on_event(const ssh::NodeEvent& e) {
  using Kind = ssh::NodeEvent::Kind;
  auto it = index_.find(e.node.key);
  if (it == index_.end()) return false;
  size_t i = it->second;
  switch (e.kind) {
    case Kind::Line:
    case Kind::Partial:
      write({{"node", labels_[i]}, {"line", util::strip_sgr(e.text)}});  // JSON is no terminal
      return true;
    case Kind::Done:
      if (!ended_[i]) write({{"node", labels_[i]}, {"exit", e.status}});
      ended_[i] = true;
      return true;
    case Kind::Error:
      if (!ended_[i]) write({{"node", labels_[i]}, {"error", e.text}});
      ended_[i] = true;
      return true;
    case Kind::Notice:
      return false;  // stderr, as always
  }
  return false;
}

void JsonLines::node_output(size_t i, const std::vector<std::string>& lines, size_t dropped_lines,
                            size_t dropped_bytes) {
  if (dropped_lines)
    write(
        {{"node", labels_[i]}, {"dropped_lines", dropped_lines}, {"dropped_bytes", dropped_bytes}});
  for (const auto& l : lines) write({{"node", labels_[i]}, {"line", util::strip_sgr(l)}});
}

void JsonLines::node_end(size_t i, const ssh::NodeResult& r) {
  if (ended_[i]) return;
  ended_[i] = true;
  if (!r.finished)
    write({{"node", labels_[i]}, {"error", "did not finish"}});
  else if (!r.error.empty())
    write({{"node", labels_[i]}, {"error", r.error}});
  else if (r.status < 0)
    write({{"node", labels_[i]}, {"error", "no exit status"}});
  else
    write({{"node", labels_[i]}, {"exit", r.status}});
}

void JsonLines::finish(const ssh::Job& job) {
  std::vector<std::string> failed;
  size_t ok = 0;
  const auto& rs = job.results();
  for (size_t i = 0; i < rs.size() && i < eps_.size(); ++i) {
    node_end(i, rs[i]);
    if (rs[i].finished && rs[i].error.empty() && rs[i].status == 0)
      ++ok;
    else
      failed.push_back(labels_[i]);
  }
  write(summary_record(ok, failed));
}

void TransferJson::ok(const std::string& node, const char* op, const transfer::Transferred& r) {
  nlohmann::json j{{"node", node},     {"op", op},         {"destination", r.destination},
                   {"files", r.files}, {"bytes", r.bytes}, {"seconds", r.seconds}};
  if (!r.source.empty()) j["source"] = r.source;
  ctx_.out().out(json_record(j));
  ctx_.out().out(json_record({{"node", node}, {"exit", 0}}));
}

void TransferJson::failed(const std::string& node, const std::string& why) {
  failed_.insert(node);
  ctx_.out().out(json_record({{"node", node}, {"error", why}}));
}

void TransferJson::summary(const std::vector<std::string>& all_nodes) {
  std::vector<std::string> failed;
  size_t ok = 0;
  for (const auto& n : all_nodes) {
    if (failed_.count(n))
      failed.push_back(n);
    else
      ++ok;
  }
  ctx_.out().out(json_record(summary_record(ok, failed)));
}

}  // namespace dust::shell
