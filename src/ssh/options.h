// ssh settings shared by every session: fan-out, timeouts, defaults and host-key policy (PRODUCT.md
// §5).
#pragma once
#include <map>
#include <string>

namespace dust::ssh {

struct Options {
  int fanout = 64;  // handshakes in flight at once
  int connect_timeout_s =
      10;                // TCP connect + handshake + auth, per node (+30 s if the server answered)
  int keepalive_s = 30;  // idle sessions send an ignore message this often (0 = never)
  std::string ssh_config;  // -F file; empty = ~/.ssh/config
  std::string default_user = "ec2-user";
  std::string address = "";  // default address kind: public|private|dns ("" = public else private)
  std::string strict_host_key;  // config.yaml's policy; "" = the ssh config's (else OpenSSH's ask)
  std::map<std::string, std::string> key_files;  // EC2 KeyName → key file (config.yaml)
  std::string term;                              // TERM for the pty; empty = $TERM, else xterm
  // Interactive shell only (summarise_floods): output that a node produces faster than this is
  // counted instead of printed, so a flood (`yes | head -c 1G`) cannot bury the prompt. One-shot
  // and script mode print every line; a slow reader slows the node's channel (ssh flow control).
  bool summarise_floods = false;
  size_t output_burst_bytes = 16u << 20;
  size_t output_rate_bytes_per_s = 8u << 20;
};

}  // namespace dust::ssh
