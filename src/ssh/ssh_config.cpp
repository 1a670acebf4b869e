// ssh_config_value, agent_socket, proxy_command.
#include "ssh/ssh_config.h"

#include <fnmatch.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "util/paths.h"

namespace dust::ssh {

namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A comma-separated pattern list (`!pat` negates) against `value`, as in OpenSSH.
bool pattern_list(const std::string& list, const std::string& value) {
  bool hit = false;
  std::istringstream in(list);
  std::string pat;
  while (std::getline(in, pat, ',')) {
    bool neg = !pat.empty() && pat[0] == '!';
    if (neg) pat.erase(0, 1);
    if (fnmatch(pat.c_str(), value.c_str(), 0) == 0) {
      if (neg) return false;
      hit = true;
    }
  }
  return hit;
}

// A Match line's criteria (after the keyword): `all`, `host`/`originalhost` and `localuser` are
// evaluated; any other criterion (exec, user, canonical, final...) makes the block not apply here.
bool match_block(std::istream& ls, const std::string& host) {
  std::string crit, arg;
  bool any = false;
  while (ls >> crit) {
    crit = lower(crit);
    bool neg = crit[0] == '!';
    if (neg) crit.erase(0, 1);
    if (crit == "all") {
      any = true;
      continue;
    }
    if (!(ls >> arg)) return false;
    bool ok;
    if (crit == "host" || crit == "originalhost") {
      ok = pattern_list(arg, host);
    } else if (crit == "localuser") {
      const char* u = std::getenv("USER");
      ok = pattern_list(arg, u ? u : "");
    } else {
      return false;
    }
    if (ok == neg) return false;
    any = true;
  }
  return any;
}

std::string env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? v : "";
}
}  // namespace

std::string ssh_config_value(const std::string& config_path, const std::string& host,
                             const std::string& keyword) {
  std::ifstream in(config_path);
  std::string line, want = lower(keyword);
  bool match = true;  // lines before any Host apply to all
  while (std::getline(in, line)) {
    for (auto& c : line)
      if (c == '=' || c == '\t') c = ' ';
    std::istringstream ls(line);
    std::string kw;
    if (!(ls >> kw) || kw[0] == '#') continue;
    kw = lower(kw);
    if (kw == "host") {
      match = false;
      std::string pat;
      bool negated = false;
      while (ls >> pat) {
        bool neg = pat[0] == '!';
        if (neg) pat.erase(0, 1);
        if (fnmatch(pat.c_str(), host.c_str(), 0) == 0) (neg ? negated : match) = true;
      }
      if (negated) match = false;
    } else if (kw == "match") {
      match = match_block(ls, host);
    } else if (match && kw == want) {
      std::string v;
      ls >> v;
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return "";
}

std::string agent_socket(const std::string& config_path, const std::string& host) {
  std::string v = ssh_config_value(config_path, host, "IdentityAgent");
  if (v.empty() || v == "SSH_AUTH_SOCK") return env("SSH_AUTH_SOCK");
  if (lower(v) == "none") return "";
  if (v[0] == '$') return env(v.substr(1));
  return paths::expand_user(v);
}

std::string proxy_command(const std::string& jump, const std::string& config_path) {
  std::string cmd = "ssh";
  if (!config_path.empty() && paths::exists(config_path)) cmd += " -F " + quote(config_path);
  cmd += " -o BatchMode=yes";
  std::string last = jump;
  if (size_t comma = jump.rfind(','); comma != std::string::npos) {
    cmd += " -J " + quote(jump.substr(0, comma));
    last = jump.substr(comma + 1);
  }
  return cmd + " -W '[%h]:%p' " + quote(last);
}

}  // namespace dust::ssh
