// Host-key policy: known_hosts checked, unknown keys accepted and recorded (accept-new) unless
// strict, changed keys refused with the new key's fingerprint. Never a prompt (PRODUCT.md §5).
#pragma once
#include <libssh/libssh.h>

#include <string>

namespace dust::ssh {

// "yes" (refuse unknown), "accept-new"/"no"/"" (record unknown). Changed keys are always refused.
// Returns false with *err set when the node must be refused; *notice says when a key was recorded.
bool verify_host_key(ssh_session s, const std::string& strict, std::string* err,
                     std::string* notice);

}  // namespace dust::ssh
