// Values dust needs from an ssh config file that libssh parses but offers no getter for
// (StrictHostKeyChecking, IdentityAgent). libssh itself still applies the whole file to each
// session.
#pragma once
#include <string>

namespace dust::ssh {

// The first value of `keyword` (case-insensitive) that applies to `host`, as in OpenSSH: the first
// matching Host block wins; lines before any Host apply to all; Match blocks apply for `all`,
// `host`/`originalhost` and `localuser` criteria (others never match here).
// "" when not set or the file is missing.
std::string ssh_config_value(const std::string& config_path, const std::string& host,
                             const std::string& keyword);

// The ssh-agent socket for `host`: IdentityAgent from the config ("none" → no agent,
// "SSH_AUTH_SOCK" or
// "$VAR" → that environment variable, a path → that path with ~ expanded), else $SSH_AUTH_SOCK. ""
// = none.
std::string agent_socket(const std::string& config_path, const std::string& host);

// The ProxyCommand that reaches a host through `jump` (ProxyJump syntax: [user@]host[:port], hops
// separated by commas): OpenSSH's `ssh -W`, given dust's ssh config file (OpenSSH would read the
// passwd entry's
// ~/.ssh/config, not $HOME's) and BatchMode (never a prompt). Arguments are shell-quoted.
std::string proxy_command(const std::string& jump, const std::string& config_path);

}  // namespace dust::ssh
