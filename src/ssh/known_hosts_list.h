// Reads the keys known_hosts holds for a host (the `hostkeys` listing): key type and SHA256
// fingerprint, hashed entries included, parsed by libssh.
#pragma once
#include <istream>
#include <string>
#include <vector>

namespace dust::ssh {

struct KnownKey {
  std::string type;         // "ssh-ed25519"
  std::string fingerprint;  // "SHA256:…"
};

// The keys of `host` (port 0 or 22: plain host, else "[host]:port") in `known_hosts`, in file
// order; none when the file is missing. Lines libssh cannot parse are skipped.
std::vector<KnownKey> known_keys(const std::string& known_hosts, const std::string& host, int port);
// The same over known_hosts text already read (the fuzz target reads no file).
std::vector<KnownKey> known_keys_in(std::istream& in, const std::string& host, int port);

}  // namespace dust::ssh
