// The one ssh configuration resolver: the effective settings for a host exactly as OpenSSH 9.2's
// `ssh -G` computes them (readconf.c), from which every libssh session, `ssh-config`, inventory
// and error message take their values. The matching logic is pure; files, globs, `Match exec`,
// DNS and the local identity come through SshConfigEnv, so tests and the fuzzer need no I/O.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dust::ssh {

// What the resolver asks of the outside world. real_ssh_config_env() is the system's.
struct SshConfigEnv {
  struct File {
    bool exists = false;
    std::string text;
    std::string error;  // set when the file exists but may not be read (permissions, I/O)
  };
  // `check_perm`: refuse a file writable by others or owned by another user (ssh's CHECKPERM).
  std::function<File(const std::string& path, bool check_perm)> read;
  // Include: the files a glob names (~ already expanded), sorted; empty when none match.
  std::function<std::vector<std::string>(const std::string& pattern)> glob;
  // Match exec: the command's exit status, -1 when it could not run.
  std::function<int(const std::string& command)> exec;
  // CanonicalizeHostname: whether `fqdn` (ending with '.') resolves.
  std::function<bool(const std::string& fqdn)> resolves;
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  std::function<std::optional<std::string>(const std::string& user)> home_of;  // ~user
  std::function<int(const std::string& service)> service_port;  // Port ssh → 22; -1 unknown
  std::string local_user;                                       // %u, Match localuser
  std::string home;                                             // ~ and %d
  std::string uid;                                              // %i
  std::string hostname;  // %l (gethostname), %L its first label
  std::string system_config = "/etc/ssh/ssh_config";
};

SshConfigEnv real_ssh_config_env();

struct SshConfigRequest {
  std::string host;         // as given to ssh: [user@]host or ssh://[user@]host[:port]
  std::string user;         // `ssh -l user` ("" = none): wins over the config
  int port = 0;             // `ssh -p port` (0 = none)
  std::string config_file;  // `ssh -F file` ("" = ~/.ssh/config then the system file)
  bool jump_host = false;   // resolving a ProxyJump hop: its own ProxyJump is not a loop
};

// The effective settings, as `ssh -G` prints them.
struct SshHostConfig {
  std::string host_arg;  // the host as given
  std::string hostname;  // where to connect (Hostname, %h expanded, lower-cased, canonicalised)
  std::string user;
  bool user_from_config = false;  // else the local user (ssh's default)
  int port = 22;
  std::vector<std::string> identity_files;  // in order, as written (ssh -G prints them so)
  bool default_identities = false;          // none was set: ssh's default list
  std::vector<std::string> certificate_files;
  std::vector<std::string> user_known_hosts;  // ~ and tokens expanded; empty = none
  std::string strict_host_key_checking;       // "true", "false", "ask" or "accept-new"
  int connect_timeout = -1;                   // seconds; -1 = none
  std::string proxy_jump;                     // "" = none; as ssh -G prints it
  std::string proxy_command;                  // "" = none; tokens not expanded
  std::optional<std::string> identity_agent;  // expanded; nullopt = unset
  bool identities_only = false;
  bool batch_mode = false;
  // Every other keyword set for this host: the arguments of its first active line (several
  // lines for the keywords that accumulate, such as SendEnv or LocalForward).
  std::map<std::string, std::vector<std::string>> other;
  // Token values (%C %L %d %h %i %k %l %n %p %r %u) for expanding paths at use.
  std::map<char, std::string> tokens;
  std::vector<std::string> user_set;  // keywords set in the user's file(s)
};

struct SshConfigResult {
  bool ok = false;
  std::string error;  // as ssh says it ("hostname contains invalid characters", "file line N: …")
  SshHostConfig config;
};

SshConfigResult resolve_ssh_config(const SshConfigRequest& req, const SshConfigEnv& env);

// `ssh -G`'s lines for the options dust uses (plus every other keyword set, as written).
std::string format_ssh_g(const SshHostConfig& c);

// The keywords format_ssh_g prints from dust's own values; the differential test compares them.
const std::vector<std::string>& ssh_config_compared_keywords();

// ~ then %-tokens and ${VAR} in a path (IdentityFile, CertificateFile...), as ssh expands them at
// use. Throws dust::Error on an unknown token or unset variable.
std::string expand_ssh_path(const SshHostConfig& c, const std::string& path,
                            const SshConfigEnv& env);

// The ssh-agent socket: IdentityAgent ("none" → "", "SSH_AUTH_SOCK" or "$VAR" → that
// variable, else the expanded path), else $SSH_AUTH_SOCK. "" = none.
std::string agent_socket(const SshHostConfig& c, const SshConfigEnv& env);

// The ProxyCommand that reaches a host through `jump` (ProxyJump syntax: [user@]host[:port], hops
// separated by commas): OpenSSH's `ssh -W`, given dust's ssh config file (OpenSSH would read the
// passwd entry's ~/.ssh/config, not $HOME's) and BatchMode (never a prompt). Shell-quoted.
std::string proxy_command(const std::string& jump, const std::string& config_path);

}  // namespace dust::ssh
