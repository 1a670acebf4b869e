// The value parsers of the ssh_config resolver (readconf.c and misc.c): flags, times, numbers,
// host names, ProxyJump hops and ssh:// URIs, ~ and %-token expansion. Internal to the resolver.
#pragma once
#include <optional>
#include <string>

#include "ssh/ssh_config.h"

namespace dust::ssh::cfg {

// A line or value ssh refuses: the whole resolution fails with ssh's message.
struct Fatal {
  std::string message;
};

int parse_flag(const std::string& v);  // yes/true 1, no/false 0, else -1
long convtime(const std::string& s);   // 90, 1m30s, 2h; -1 when malformed
bool parse_int(const std::string& s, long lo, long hi, long* out);
// A numeric address in its canonical spelling (inet_aton's short IPv4 forms included), or nullopt.
std::optional<std::string> numeric_address(const std::string& host);
bool valid_hostname(const std::string& s);
bool valid_ruser(const std::string& s);
// One ProxyJump hop, [user@]host[:port]; false when malformed.
bool parse_hop(const std::string& hop, std::string* user, std::string* host, int* port);
// ssh://[user@]host[:port]: 0 parsed, 1 not such a URI, -1 malformed.
int parse_ssh_uri(const std::string& s, std::string* user, std::string* host, int* port);
std::string sha1_hex(const std::string& s);
// ~ and ~user (throws Fatal for an unknown user).
std::string tilde_expand(const std::string& path, const SshConfigEnv& env);
// ~, %-tokens and ${VAR} (tilde_expand_filename + default_client_percent_dollar_expand).
std::string expand(const SshHostConfig& c, const std::string& path, const SshConfigEnv& env);

}  // namespace dust::ssh::cfg
