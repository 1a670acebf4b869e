// `--json` for `@`, `@@`, put and get (one-shot and script mode): stdout carries JSON lines only —
// {"node","line"} per output line (put/get: {"node","op",…} per node's transfer), {"node","exit"}
// or {"node","error"} once per node at its end, then {"summary":{…}} — while logs, notices and
// progress stay on stderr. Encoded by nlohmann-json.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ssh/pool.h"
#include "transfer/engine.h"

namespace dust::shell {

class Context;

// One record, "\n"-terminated. Invalid UTF-8 becomes U+FFFD (never an exception); control bytes
// are escaped by the encoder, so every record is valid JSON on one line.
std::string json_record(const nlohmann::json& j);

// The records of one `@`/`@@` job. Live (`@`): an observer of the job's nodes that writes each line
// as it arrives and each node's end at its Done or Error. Gathered (`@@`): the gatherer hands over
// a node's lines and end at once (node_output), so each node's records are contiguous.
class JsonLines : public ssh::Observer {
 public:
  JsonLines(Context& ctx, const std::vector<ssh::Endpoint>& eps);
  bool on_event(const ssh::NodeEvent& e) override;

  void node_output(size_t i, const std::vector<std::string>& lines, size_t dropped_lines,
                   size_t dropped_bytes);
  // The node's end record from the job's result (once per node; later calls do nothing).
  void node_end(size_t i, const ssh::NodeResult& r);
  // End records for the nodes that have none yet, then the summary record.
  void finish(const ssh::Job& job);

 private:
  void write(const nlohmann::json& j);
  Context& ctx_;
  std::vector<ssh::Endpoint> eps_;
  std::vector<std::string> labels_;
  std::map<std::string, size_t> index_;  // Endpoint::key → i
  std::vector<bool> ended_;
};

// put/get: a node's result as data, then its {"node","exit":0} or {"node","error"}, and the summary
// at the end.
class TransferJson {
 public:
  explicit TransferJson(Context& ctx) : ctx_(ctx) {}
  // {"node","op","source"?,"destination","files","bytes","seconds"} then {"node","exit":0}.
  void ok(const std::string& node, const char* op, const transfer::Transferred& r);
  void failed(const std::string& node, const std::string& why);
  void summary(const std::vector<std::string>& all_nodes);

 private:
  Context& ctx_;
  std::set<std::string> failed_;
};

// {"summary":{"ok":N,"failed":M,"failed_nodes":[…]}}
nlohmann::json summary_record(size_t ok, const std::vector<std::string>& failed_nodes);

}  // namespace dust::shell
