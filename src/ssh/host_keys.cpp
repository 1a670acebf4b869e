// verify_host_key.
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

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool verify_host_key(ssh_session s, const std::string& strict,
                     const std::vector<std::string>& known_hosts, std::string* err,
                     std::string* notice) {
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
  switch (state) {
    case SSH_KNOWN_HOSTS_OK:
      return true;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      *err = fmt::format(
          "HOST KEY CHANGED — refusing to connect. The server now offers {}, which does not match "
          "{}. "
          "If the change is expected, remove the old entry (ssh-keygen -R HOST -f {}).",
          fingerprint(s), known_hosts_file, known_hosts_file);
      return false;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      if (lower(strict) == "yes" || lower(strict) == "true") {
        *err = fmt::format("unknown host key {} refused (StrictHostKeyChecking yes; add it to {})",
                           fingerprint(s), known_hosts_file);
        return false;
      }
      if (ssh_session_update_known_hosts(s) != SSH_OK) {
        *notice =
            fmt::format("could not record host key in {}: {}", known_hosts_file, ssh_get_error(s));
        return true;
      }
      *notice = fmt::format("recorded new host key {} in {}", fingerprint(s), known_hosts_file);
      return true;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      *err = fmt::format("host key check failed: {}", ssh_get_error(s));
      return false;
  }
}

}  // namespace dust::ssh
