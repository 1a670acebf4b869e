// Host-key policy: known_hosts checked, unknown keys accepted and recorded (accept-new) unless
// strict, changed keys refused with the new key's fingerprint. Never a prompt (PRODUCT.md §5).
#pragma once
#include <libssh/libssh.h>

#include <string>
#include <vector>

namespace dust::ssh {

// `strict` as ssh -G spells StrictHostKeyChecking: "true" (or "yes") refuses unknown keys;
// "accept-new", "false", "ask" and "" record them (dust never prompts). Changed keys are always
// refused. `known_hosts`: the UserKnownHostsFile list, checked in order as ssh does (a key found
// in any of them is known); a new key is recorded in the first. Empty = the session's file.
// Returns false with *err set when the node must be refused; *notice says when a key was recorded.
bool verify_host_key(ssh_session s, const std::string& strict,
                     const std::vector<std::string>& known_hosts, std::string* err,
                     std::string* notice);

}  // namespace dust::ssh
