// resolve_ssh_config: the passes of OpenSSH 9.2's ssh.c around its config reader
// (ssh_config_reader.h): Hostname, lower-casing, canonicalisation, the final pass, defaults, token
// expansion, without any I/O of its own.
#include "ssh/ssh_config.h"

#include <algorithm>

#include "ssh/ssh_config_keywords.h"
#include "ssh/ssh_config_lex.h"
#include "ssh/ssh_config_reader.h"
#include "ssh/ssh_config_values.h"
#include "util/error.h"

namespace dust::ssh {

using namespace cfg;

namespace {

// resolve_canonicalize for a host name (addresses are handled by the caller): true when the
// name was resolved (and maybe completed with a CanonicalDomains suffix).
bool canonicalize(std::string& host, const State& st, const SshConfigEnv& env) {
  int mode = st.canonicalize.value_or(0);
  if (mode == 0) return false;
  bool direct = (!st.proxy_command || lower(*st.proxy_command) == "none") &&
                !(st.jump && !st.jump->host.empty());
  if (!direct && mode != 2) return false;
  if (!host.empty() && host.back() == '.') {
    std::string h = host.substr(0, host.size() - 1);
    if (env.resolves && env.resolves(host)) {
      host = h;
      return true;
    }
    return false;
  }
  int dots = static_cast<int>(std::count(host.begin(), host.end(), '.'));
  if (dots > st.max_dots.value_or(1)) return false;
  for (const std::string& d : st.canonical_domains.value_or(std::vector<std::string>{})) {
    if (lower(d) == "none") break;
    std::string full = host + "." + d + ".";
    if (!env.resolves || !env.resolves(full)) continue;
    host = full.substr(0, full.size() - 1);
    return true;
  }
  if (!st.fallback_local.value_or(1)) throw Fatal{"Could not resolve host \"" + host + "\""};
  return false;
}

}  // namespace

SshConfigResult resolve_ssh_config(const SshConfigRequest& req, const SshConfigEnv& env) {
  SshConfigResult res;
  State st;
  try {
    // The host argument as ssh's command line takes it.
    std::string host = req.host;
    std::optional<std::string> arg_user;
    int arg_port = -1;
    if (std::string u, h; parse_ssh_uri(host, &u, &h, &arg_port) == 0) {
      if (!u.empty()) arg_user = u;
      host = h;
    } else if (lower(host.substr(0, 6)) == "ssh://") {
      throw Fatal{"invalid ssh URI " + host};
    } else if (size_t at = host.rfind('@'); at != std::string::npos) {
      if (at == 0) throw Fatal{"no user before '@' in " + host};
      arg_user = host.substr(0, at);
      host = host.substr(at + 1);
    }
    if (!req.user.empty())
      st.user = req.user;  // -l wins over user@host
    else if (arg_user)
      st.user = arg_user;
    if (req.port > 0)
      st.port = req.port;
    else if (arg_port > 0)
      st.port = arg_port;
    if (st.user && !valid_ruser(*st.user))
      throw Fatal{"remote username contains invalid characters"};
    if (!valid_hostname(host)) throw Fatal{"hostname contains invalid characters"};

    Reader rd(env, st);
    rd.host = host;
    rd.original = host;
    rd.pw_name = env.local_user;
    read_configs(rd, req, env, false);
    if (st.hostname) {
      std::string err;
      auto e = percent_expand(*st.hostname, {{'h', host}}, &err);
      if (!e) throw Fatal{"percent_expand: " + err};
      host = *e;
      st.hostname = host;
    }
    std::optional<std::string> addr = numeric_address(host);
    bool canonical = false;
    if (addr)
      host = *addr, canonical = true;
    else
      host = lower(host), canonical = canonicalize(host, st, env);
    // CanonicalizePermittedCNAMEs without canonicalisation: ssh looks the bare name up (to follow
    // CNAMEs) and gives up on a direct connection to a name that does not resolve.
    bool direct = (!st.proxy_command || lower(*st.proxy_command) == "none") &&
                  !(st.jump && !st.jump->host.empty());
    if (!canonical && st.other.count("canonicalizepermittedcnames") &&
        lower(st.other["canonicalizepermittedcnames"][0]) != "none" && direct &&
        !(env.resolves && env.resolves(host)))
      throw Fatal{"Could not resolve hostname " + host + ": Name or service not known"};
    bool want_final = rd.want_final || st.canonicalize.value_or(0) != 0;
    if (want_final) {
      st.hostname = host;
      rd.host = host;
      read_configs(rd, req, env, true);
    }

    SshHostConfig& c = res.config;
    c.host_arg = rd.original;
    c.hostname = host;
    c.user = st.user.value_or(env.local_user);
    c.user_from_config = st.user.has_value();
    c.port = st.port.value_or(22);
    c.identity_files = st.identity_files;
    c.default_identities = c.identity_files.empty();
    if (c.default_identities)
      c.identity_files = {"~/.ssh/id_rsa",     "~/.ssh/id_ecdsa",      "~/.ssh/id_ecdsa_sk",
                          "~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss",
                          "~/.ssh/id_dsa"};
    c.certificate_files = st.certificate_files;
    static const char* kStrict[] = {"false", "true", "ask", "accept-new"};
    c.strict_host_key_checking = kStrict[st.strict.value_or(2)];
    c.connect_timeout = st.connect_timeout.value_or(-1);
    c.identities_only = st.identities_only.value_or(0) == 1;
    c.batch_mode = st.batch_mode.value_or(0) == 1;
    // BatchMode without ServerAliveInterval: ssh checks the server every 300 s.
    if (c.batch_mode &&
        (!st.other.count("serveraliveinterval") || st.other["serveraliveinterval"][0] == "-1"))
      st.other["serveraliveinterval"] = {"300"};
    if (st.proxy_command && lower(*st.proxy_command) != "none") c.proxy_command = *st.proxy_command;
    if (st.jump && !st.jump->host.empty()) {
      const Jump& j = *st.jump;
      int jport = j.port > 0 ? j.port : 22;
      std::string juser = j.user.empty() ? c.user : j.user;
      if (!req.jump_host && j.host == host && c.port == jport && juser == c.user)
        throw Fatal{"jumphost loop via " + j.host};
      bool numeric = j.host.find(':') != std::string::npos ||
                     j.host.find_first_not_of("1234567890.") == std::string::npos;
      c.proxy_jump = (j.extra.empty() ? "" : j.extra + ",") + (j.user.empty() ? "" : j.user + "@") +
                     (numeric ? "[" : "") + j.host + (numeric ? "]" : "") +
                     (j.port > 0 ? ":" + std::to_string(j.port) : "");
    }
    c.other = st.other;
    if (st.host_key_alias) c.other["hostkeyalias"] = {lower(*st.host_key_alias)};
    c.user_set.assign(st.user_set.begin(), st.user_set.end());

    std::string portstr = std::to_string(c.port);
    c.tokens = {{'C', sha1_hex(env.hostname + host + portstr + c.user)},
                {'L', env.hostname.substr(0, env.hostname.find('.'))},
                {'i', env.uid},
                {'k', st.host_key_alias ? lower(*st.host_key_alias) : rd.original},
                {'l', env.hostname},
                {'n', rd.original},
                {'p', portstr},
                {'d', env.home},
                {'h', host},
                {'r', c.user},
                {'u', env.local_user}};
    std::vector<std::string> khosts = st.user_known_hosts.value_or(
        std::vector<std::string>{"~/.ssh/known_hosts", "~/.ssh/known_hosts2"});
    if (!khosts.empty() && lower(khosts[0]) == "none") khosts.clear();
    for (const std::string& k : khosts) c.user_known_hosts.push_back(expand(c, k, env));
    if (st.identity_agent) c.identity_agent = expand(c, *st.identity_agent, env);
    res.ok = true;
  } catch (const Fatal& f) {
    res.error = f.message;
  }
  return res;
}

std::string expand_ssh_path(const SshHostConfig& c, const std::string& path,
                            const SshConfigEnv& env) {
  try {
    return expand(c, path, env);
  } catch (const Fatal& f) {
    throw Error("ssh config: " + path + ": " + f.message);
  }
}

}  // namespace dust::ssh
