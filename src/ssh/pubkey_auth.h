// Public-key authentication as dust does it for nodes and jump hosts alike: the key files first
// (in the order ssh would offer them), then the ssh-agent (PRODUCT.md §2), and a failure that names
// what was tried, as `ssh -v` would.
#pragma once
#include <libssh/libssh.h>

#include <memory>
#include <string>
#include <vector>

namespace dust::ssh {

class PublicKeyAuth {
 public:
  PublicKeyAuth() = default;
  // `identities`: the key files in the order they are offered (missing ones included: the failure
  // names them as not found); `agent_sock`: "" when no agent runs.
  PublicKeyAuth(std::vector<std::string> identities, std::string agent_sock)
      : identities_(std::move(identities)), agent_sock_(std::move(agent_sock)) {}

  // One non-blocking step on `s` (agent off for the first pass): SSH_AUTH_AGAIN, SSH_AUTH_SUCCESS,
  // or the final SSH_AUTH_DENIED / SSH_AUTH_ERROR. Each key file that loads without a passphrase
  // is offered signed at once: one round trip per key, where asking first whether the server would
  // take it (libssh's auto mode, and OpenSSH) costs two. Then the agent's keys.
  int step(ssh_session s);
  bool agent_pass() const { return agent_pass_; }

  // "authentication failed for root@10.0.0.5: the server accepted none of the key files tried
  // (~/.ssh/id_ed25519, …; not found: …), then the ssh-agent at /run/agent.sock"
  std::string failure(ssh_session s, const std::string& host, int rc) const;

 private:
  std::vector<std::string> identities_;
  std::string agent_sock_;
  bool agent_pass_ = false;
  size_t next_ = 0;                      // the key file being offered
  std::shared_ptr<ssh_key_struct> key_;  // its private key, loaded
};

// The failure sentence, from what was tried (pure, for tests).
std::string auth_failure_text(const std::string& login, const std::string& error,
                              const std::vector<std::string>& offered,
                              const std::vector<std::string>& missing,
                              const std::string& agent_sock);

}  // namespace dust::ssh
