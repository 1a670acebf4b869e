// Where and as whom to ssh to a node: address, port, user and key precedence (PRODUCT.md §2).
#pragma once
#include <string>
#include <vector>

#include "model/node.h"
#include "ssh/options.h"

namespace dust::ssh {

struct Endpoint {
  std::string node_label;    // printed as [label]
  std::string key;           // unique per node (instance id, else label): sessions are keyed by it
  std::string host;          // address to connect to
  int port = 0;              // 0 = ssh config Port, else 22
  std::string user;          // empty = ssh config User, else Options::default_user
  std::string keyfile;       // explicit key (cluster file), tried first
  std::string key_name;      // EC2 KeyName: $DUST_HOME/keys/<name>.pem, ~/.ssh/<name>.pem
  std::string proxy_jump;    // cluster file: wins over the ssh config's ProxyJump
  std::string default_jump;  // config.yaml ssh.proxy_jump: only where the ssh config has none
  bool jump_host = false;    // a ProxyJump hop: its own ProxyJump is not followed
};

// Address: Node::address (public|private|dns|literal) else Options::address kind, else public IP,
// else private IP. User and keyfile only from the node; ssh config and defaults apply at connect.
Endpoint endpoint_for(const Node& n, const Options& o);

// Key files for the node's EC2 KeyName, in precedence order, those that exist: the config.yaml map,
// $DUST_HOME/keys/<KeyName>.pem, ~/.ssh/<KeyName>.pem. They rank below the node's keyfile and the
// ssh config's IdentityFile entries, above the agent and default identities (see session.cpp).
std::vector<std::string> key_name_candidates(const Endpoint& e, const Options& o = {});

}  // namespace dust::ssh
