// Outcomes and the folded summary line (see outcome.h).
#include "shell/outcome.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "util/fold.h"
#include "util/sanitise.h"

namespace dust::shell {

bool outcome_of(bool finished, int status, const std::string& error, Outcome* out) {
  out->ok = false;
  out->why.clear();
  if (!finished) {
    out->why = "did not finish";
  } else if (!error.empty()) {
    out->why = error_reason(error);
  } else if (status < 0) {
    return false;  // superseded: the node's later line reports it
  } else if (status != 0) {
    out->why = fmt::format("exit {}", status);
  } else {
    out->ok = true;
  }
  return true;
}

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The text after the first ": " that follows `prefix`, or "" when there is none.
std::string_view after_colon(std::string_view s, size_t from) {
  size_t c = s.find(": ", from);
  return c == s.npos ? std::string_view() : s.substr(c + 2);
}

}  // namespace

namespace {
std::string reason(std::string_view e) {
  // Messages of ssh::Session's handshake (session_handshake.cpp, host_keys.cpp); anything else is
  // kept whole.
  if (starts_with(e, "cannot connect to ")) {
    std::string_view why = after_colon(e, 0);
    // libssh words it "Failed to connect: Connection refused" in some versions: keep the cause.
    if (starts_with(why, "Failed to connect: ")) why.remove_prefix(19);
    return why.empty() ? "cannot connect" : fmt::format("cannot connect ({})", why);
  }
  if (starts_with(e, "authentication failed for ")) {
    std::string_view who = e.substr(26);
    who = who.substr(0, who.find('@'));
    return fmt::format("authentication failed (user {})", who);
  }
  if (starts_with(e, "HOST KEY CHANGED")) return "HOST KEY CHANGED (refused; see the debug log)";
  if (starts_with(e, "unknown host key "))
    return "unknown host key refused (StrictHostKeyChecking)";
  return std::string(e);
}

}  // namespace

// May quote a server (its disconnect message, an SFTP error): shown escaped.
std::string error_reason(std::string_view e) { return util::escape_controls(reason(e)); }

std::string summary_line(const std::vector<Outcome>& outcomes) {
  // Exit statuses sort numerically before errors; errors alphabetically.
  using Key = std::tuple<int, int, std::string>;
  std::map<Key, std::vector<std::string>> groups;
  size_t ok = 0;
  for (const Outcome& o : outcomes) {
    if (o.ok) {
      ++ok;
      continue;
    }
    int code = 0;
    bool is_exit =
        std::sscanf(o.why.c_str(), "exit %d", &code) == 1 && o.why == fmt::format("exit {}", code);
    groups[is_exit ? Key{0, code, o.why} : Key{1, 0, o.why}].push_back(o.label);
  }
  if (groups.empty()) return "";
  std::string line;
  for (auto& [key, nodes] : groups) {
    if (!line.empty()) line += "   ";
    line += fmt::format("{}: {}", std::get<2>(key), fold_names(nodes));
  }
  if (ok) line += fmt::format("   ({} ok)", ok);
  return line;
}

}  // namespace dust::shell
