// known_keys (see known_hosts_list.h).
#include "ssh/known_hosts_list.h"

#include <fmt/format.h>
#include <libssh/libssh.h>

#include <fstream>

namespace dust::ssh {
namespace {

std::string sha256(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t len = 0;
  std::string out = "(unknown)";
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == 0) {
    if (char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len)) {
      out = fp;
      ssh_string_free_char(fp);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  return out;
}

}  // namespace

std::vector<KnownKey> known_keys(const std::string& known_hosts, const std::string& host,
                                 int port) {
  std::ifstream in(known_hosts);
  return known_keys_in(in, host, port);
}

std::vector<KnownKey> known_keys_in(std::istream& in, const std::string& host, int port) {
  std::vector<KnownKey> out;
  std::string spec = port == 0 || port == 22 ? host : fmt::format("[{}]:{}", host, port);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ssh_knownhosts_entry* e = nullptr;
    // SSH_OK: the line names this host (SSH_AGAIN: another host; SSH_ERROR: unparsable).
    if (ssh_known_hosts_parse_line(spec.c_str(), line.c_str(), &e) == SSH_OK && e && e->publickey)
      out.push_back({ssh_key_type_to_char(ssh_key_type(e->publickey)), sha256(e->publickey)});
    ssh_knownhosts_entry_free(e);
  }
  return out;
}

}  // namespace dust::ssh
