// config.yaml's ssh.proxy_jump applied to endpoints: a fallback jump host for nodes that have none
// of their own (cluster file, ssh config); it may name a node of the working set (`master`).
#pragma once
#include <string>
#include <vector>

#include "model/node.h"
#include "ssh/endpoint.h"
#include "ssh/options.h"

namespace dust::shell {

// Sets Endpoint::default_jump on `eps`. A `jump` naming one of `labels` (the display names of
// `all`) becomes that node's [user@]address[:port]; that node itself is reached directly.
void apply_config_jump(std::vector<ssh::Endpoint>& eps, const std::string& jump,
                       const std::vector<const Node*>& all, const std::vector<std::string>& labels,
                       const ssh::Options& opt);

}  // namespace dust::shell
