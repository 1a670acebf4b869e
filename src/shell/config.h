// dust's own settings: $DUST_HOME/config.yaml (region, ssh defaults, key map). All optional.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace dust::shell {

struct Config {
  std::string region;                 // fallback region when the AWS chain gives none
  std::string ssh_user = "ec2-user";  // default ssh user (after cluster file and ~/.ssh/config)
  std::string ssh_address = "";       // public|private|dns; "" = public else private
  // accept-new|yes|no|ask; "" (unset): the ssh config's StrictHostKeyChecking, else OpenSSH's ask.
  std::string strict_host_key;
  int connect_timeout_s = 10;
  int command_timeout_s = 0;  // one-shot/script mode; 0 = none
  int fanout = 64;
  std::map<std::string, std::string> keys;  // KeyName → key file
  // ssh.password_prompts: regexes of password prompts asked once for all nodes, besides sudo's.
  std::vector<std::string> password_prompts;
  // ssh.proxy_jump: the jump host of every node without one of its own ("[user@]host[:port]" or
  // the name of a node in the working set; PRODUCT.md §9).
  std::string proxy_jump;
  std::string ssh_config;  // -F <file>: another ssh config instead of ~/.ssh/config
  // `output: gather|live` or `output: {mode: gather|live, diff: true|false}` (and the `output`
  // command): whether `@` gathers by default (`@@` then streams), and whether `@@` shows small
  // differences as diffs.
  bool output_gather = false;
  bool output_diff = true;
  std::string log_dir;  // per-node transcripts (shell/transcript.h); "" = none
  // server.enabled: interactive dust runs its sessions in a per-user server (src/server/) that
  // outlives the terminal; false = everything in the one process, as one-shot without a server.
  bool server_enabled = true;
  int server_idle_timeout_s = 3600;  // server.idle_timeout: no client, nothing running → it ends

  // Reads `path` if it exists; throws dust::Error naming the file and line on malformed YAML.
  static Config load(const std::string& path);
};

}  // namespace dust::shell
