// How each node's part of a command ended, and the one folded line that summarises failures
// (`exit 1: worker[0-1]   cannot connect (Connection refused): db   (3 ok)`). Pure: no I/O. The
// same wording serves the interactive summary, one-shot/script mode, `show :failed` and the folded
// connection notices.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dust::shell {

struct Outcome {
  std::string key;    // instance id (ssh::Endpoint::key)
  std::string label;  // the node's name when the command ran
  bool ok = false;
  std::string why;  // failed: "exit 1", "cannot connect (Connection refused)", …; ok: ""
};

// A node's result as the pool reports it (ssh::NodeResult), turned into an outcome. Returns false
// when it has none of its own: its line became input to a later line's command (superseded), so
// that later line's job reports the node.
bool outcome_of(bool finished, int status, const std::string& error, Outcome* out);

// An error message shortened to what nodes failing the same way share: the host and per-node
// details (fingerprints, key file lists) go, the cause stays. "cannot connect to 10.0.0.7:
// Connection refused" → "cannot connect (Connection refused)".
std::string error_reason(std::string_view error);

// "exit 1: worker[0-1]   exit 2: master   (3 ok)": failures grouped by `why` (exit statuses in
// numeric order first, then errors), node names folded; "" when nothing failed.
std::string summary_line(const std::vector<Outcome>& outcomes);

}  // namespace dust::shell
