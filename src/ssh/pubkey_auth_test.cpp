#include "ssh/pubkey_auth.h"

#include <gtest/gtest.h>

namespace dust::ssh {

TEST(PublicKeyAuth, FailureNamesTheKeysTriedAndTheAgent) {
  EXPECT_EQ(auth_failure_text("root@10.0.0.5", "", {"/h/.ssh/id_ed25519", "/h/k.pem"},
                              {"/h/.ssh/gone"}, "/run/agent.sock"),
            "authentication failed for root@10.0.0.5: the server accepted none of the key files "
            "tried (/h/.ssh/id_ed25519, /h/k.pem) (not found: /h/.ssh/gone), then the ssh-agent "
            "at /run/agent.sock");
  EXPECT_EQ(auth_failure_text("u@h", "Socket error", {}, {}, ""),
            "authentication failed for u@h: Socket error: no key file to offer, and no ssh-agent "
            "runs (SSH_AUTH_SOCK unset)");
}

}  // namespace dust::ssh
