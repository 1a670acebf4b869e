// Host-key policy as OpenSSH's StrictHostKeyChecking (ssh_config(5)), without a per-node prompt
// (PRODUCT.md §5): known_hosts checked; an unknown key recorded or refused by the policy; a changed
// key refused, except under `no`, where OpenSSH connects after its "REMOTE HOST IDENTIFICATION HAS
// CHANGED" warning with password authentication off: dust warns as loudly, names the node, key type
// and fingerprint, and never sends that session a sudo password (dust never authenticates by
// password at all). Pure policy (host_key_action) apart from the libssh calls.
#pragma once
#include <libssh/libssh.h>

#include <string>
#include <string_view>
#include <vector>

namespace dust::ssh {

enum class StrictHostKey {
  Yes,        // yes, true: unknown keys refused
  AcceptNew,  // accept-new, and dust's default (unset): unknown keys recorded
  No,         // no, false, off: unknown keys recorded; a changed key connects with the warning
  Ask,        // ask: OpenSSH asks per node; dust cannot, so it refuses and says how to accept
};

// The policy for an ssh_config / config.yaml word (case-insensitive); "" is dust's default,
// accept-new. false for any other word (the node is refused, naming it).
bool parse_strict_host_key(std::string_view word, StrictHostKey* out);

enum class KnownHost { Match, Unknown, Changed };
enum class HostKeyAction { Connect, Record, Refuse, ConnectChanged };
HostKeyAction host_key_action(StrictHostKey policy, KnownHost known);

// Checks the server's key of a connected session `s` for the node `who` (its label, for messages).
// `known_hosts`: the UserKnownHostsFile list, checked in order as ssh does (a key found in any of
// them is known); a new key is recorded in the first. Empty = the session's file. Returns false
// with *err set when the node must be refused; *notice is set when a key was recorded or, with
// *changed, when a changed key was let through (StrictHostKeyChecking no).
bool verify_host_key(ssh_session s, const std::string& strict,
                     const std::vector<std::string>& known_hosts, const std::string& who,
                     std::string* err, std::string* notice, bool* changed);

}  // namespace dust::ssh
