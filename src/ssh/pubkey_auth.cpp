// PublicKeyAuth (pubkey_auth.h).
#include "ssh/pubkey_auth.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include "ssh/connect_options.h"

namespace dust::ssh {

int PublicKeyAuth::step(ssh_session s) {
  while (!agent_pass_ && next_ < identities_.size()) {
    if (!key_) {
      ssh_key k = nullptr;
      // Missing, unreadable or passphrase-protected (no prompt here: the agent holds those).
      if (ssh_pki_import_privkey_file(identities_[next_].c_str(), nullptr, nullptr, nullptr, &k) !=
          SSH_OK) {
        ++next_;
        continue;
      }
      key_.reset(k, ssh_key_free);
    }
    int rc = ssh_userauth_publickey(s, nullptr, key_.get());
    if (rc == SSH_AUTH_AGAIN) return rc;
    key_.reset();
    ++next_;
    if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_ERROR) return rc;
    // SSH_AUTH_DENIED (or PARTIAL: another method would be needed too): the next key file.
  }
  if (!agent_pass_) {
    if (agent_sock_.empty()) return SSH_AUTH_DENIED;
    agent_pass_ = true;  // the files were refused: now the agent's keys
    ssh_options_set(s, SSH_OPTIONS_IDENTITY_AGENT, agent_sock_.c_str());
  }
  return ssh_userauth_agent(s, nullptr);
}

std::string PublicKeyAuth::failure(ssh_session s, const std::string& host, int rc) const {
  std::vector<std::string> offered, missing;
  for (const auto& f : identities_) (access(f.c_str(), R_OK) == 0 ? offered : missing).push_back(f);
  return auth_failure_text(login_of(s, host), rc == SSH_AUTH_ERROR ? ssh_get_error(s) : "", offered,
                           missing, agent_sock_);
}

std::string auth_failure_text(const std::string& login, const std::string& error,
                              const std::vector<std::string>& offered,
                              const std::vector<std::string>& missing,
                              const std::string& agent_sock) {
  std::string s = fmt::format("authentication failed for {}", login);
  if (!error.empty()) s += ": " + error;
  s += offered.empty() ? std::string(": no key file to offer")
                       : fmt::format(": the server accepted none of the key files tried ({})",
                                     fmt::join(offered, ", "));
  if (!missing.empty()) s += fmt::format(" (not found: {})", fmt::join(missing, ", "));
  s += agent_sock.empty() ? std::string(", and no ssh-agent runs (SSH_AUTH_SOCK unset)")
                          : fmt::format(", then the ssh-agent at {}", agent_sock);
  return s;
}

}  // namespace dust::ssh
