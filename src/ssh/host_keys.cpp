// The StrictHostKeyChecking policy and verify_host_key.
#include "ssh/host_keys.h"

#include <fmt/format.h>

namespace dust::ssh {

namespace {

std::string fingerprint(ssh_session s) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(s, &key) != SSH_OK) return "(unknown key)";
  unsigned char* hash = nullptr;
  size_t len = 0;
  std::string out = "(unknown key)";
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == 0) {
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    if (fp) {
      out = fmt::format("{} {}", ssh_key_type_to_char(ssh_key_type(key)), fp);
      ssh_string_free_char(fp);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(key);
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool parse_strict_host_key(std::string_view word, StrictHostKey* out) {
  std::string w = lower(word);
  if (w == "yes" || w == "true")
    *out = StrictHostKey::Yes;
  else if (w.empty() || w == "accept-new")
    *out = StrictHostKey::AcceptNew;
  else if (w == "no" || w == "false" || w == "off")
    *out = StrictHostKey::No;
  else if (w == "ask")
    *out = StrictHostKey::Ask;
  else
    return false;
  return true;
}

HostKeyAction host_key_action(StrictHostKey policy, KnownHost known) {
  switch (known) {
    case KnownHost::Match:
      return HostKeyAction::Connect;
    case KnownHost::Changed:
      return policy == StrictHostKey::No ? HostKeyAction::ConnectChanged : HostKeyAction::Refuse;
    case KnownHost::Unknown:
      return policy == StrictHostKey::Yes || policy == StrictHostKey::Ask ? HostKeyAction::Refuse
                                                                          : HostKeyAction::Record;
  }
  return HostKeyAction::Refuse;
}

bool verify_host_key(ssh_session s, const std::string& strict,
                     const std::vector<std::string>& known_hosts, const std::string& who,
                     std::string* err, std::string* notice, bool* changed) {
  *changed = false;
  StrictHostKey policy;
  if (!parse_strict_host_key(strict, &policy)) {
    *err = fmt::format(
        "StrictHostKeyChecking '{}' is not one of yes, accept-new, no, ask (true, false, off)",
        strict);
    return false;
  }
  // Every file in turn, as ssh does: a key found in any of them is known; a different key for
  // the host in one of them (and the right one in none) is a changed key. A new key is recorded
  // in the first file.
  enum ssh_known_hosts_e state = SSH_KNOWN_HOSTS_UNKNOWN;
  std::string known_hosts_file = known_hosts.empty() ? "" : known_hosts.front();
  if (known_hosts.empty()) {
    char* kh = nullptr;
    ssh_options_get(s, SSH_OPTIONS_KNOWNHOSTS, &kh);
    known_hosts_file = kh ? kh : "known_hosts";
    if (kh) ssh_string_free_char(kh);
    state = ssh_session_is_known_server(s);
  }
  for (const auto& file : known_hosts) {
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, file.c_str());
    enum ssh_known_hosts_e r = ssh_session_is_known_server(s);
    if (r == SSH_KNOWN_HOSTS_OK || r == SSH_KNOWN_HOSTS_ERROR) {
      state = r;
      break;
    }
    if ((r == SSH_KNOWN_HOSTS_CHANGED || r == SSH_KNOWN_HOSTS_OTHER) &&
        state != SSH_KNOWN_HOSTS_CHANGED && state != SSH_KNOWN_HOSTS_OTHER) {
      state = r;
      known_hosts_file = file;
    }
  }
  if (known_hosts.size() > 1 && state != SSH_KNOWN_HOSTS_CHANGED && state != SSH_KNOWN_HOSTS_OTHER)
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts.front().c_str());
  KnownHost known;
  switch (state) {
    case SSH_KNOWN_HOSTS_OK:
      known = KnownHost::Match;
      break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      known = KnownHost::Changed;
      break;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      known = KnownHost::Unknown;
      break;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      *err = fmt::format("host key check failed: {}", ssh_get_error(s));
      return false;
  }
  switch (host_key_action(policy, known)) {
    case HostKeyAction::Connect:
      return true;
    case HostKeyAction::Record:
      if (ssh_session_update_known_hosts(s) != SSH_OK) {
        *notice =
            fmt::format("could not record host key in {}: {}", known_hosts_file, ssh_get_error(s));
        return true;
      }
      *notice = fmt::format("recorded new host key {} in {}", fingerprint(s), known_hosts_file);
      return true;
    case HostKeyAction::ConnectChanged:
      // OpenSSH's own words, so that nobody mistakes it for routine output.
      *changed = true;
      *notice = fmt::format(
          "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! {} now offers {}, which does not match "
          "{}: someone could be eavesdropping on you (man-in-the-middle). Connected anyway because "
          "StrictHostKeyChecking is {}: no sudo password will be sent to it. If the change is "
          "expected, remove the old entry (ssh-keygen -R HOST -f {}).",
          who, fingerprint(s), known_hosts_file, strict, known_hosts_file);
      return true;
    case HostKeyAction::Refuse:
      break;
  }
  if (known == KnownHost::Changed)
    *err = fmt::format(
        "HOST KEY CHANGED — REMOTE HOST IDENTIFICATION HAS CHANGED, refusing to connect to {}. The "
        "server now offers {}, which does not match {}. If the change is expected, remove the old "
        "entry (ssh-keygen -R HOST -f {}).",
        who, fingerprint(s), known_hosts_file, known_hosts_file);
  else if (policy == StrictHostKey::Ask)
    *err = fmt::format(
        "unknown host key {} refused (StrictHostKeyChecking ask: dust does not ask per node; "
        "accept it with `ssh` to that host once, or set StrictHostKeyChecking accept-new)",
        fingerprint(s));
  else
    *err = fmt::format("unknown host key {} refused (StrictHostKeyChecking yes; add it to {})",
                       fingerprint(s), known_hosts_file);
  return false;
}

}  // namespace dust::ssh
