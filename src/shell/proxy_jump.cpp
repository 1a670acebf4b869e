// apply_config_jump: node names resolved to addresses; the jump node not jumped through itself.
#include "shell/proxy_jump.h"

#include <fmt/format.h>

namespace dust::shell {

void apply_config_jump(std::vector<ssh::Endpoint>& eps, const std::string& jump,
                       const std::vector<const Node*>& all, const std::vector<std::string>& labels,
                       const ssh::Options& opt) {
  if (jump.empty() || jump == "none") return;
  std::string spec = jump, self_key;
  for (size_t i = 0; i < all.size() && i < labels.size(); ++i) {
    if (labels[i] != jump && all[i]->name != jump) continue;
    ssh::Endpoint j = ssh::endpoint_for(*all[i], opt);
    std::string host = j.host.find(':') != std::string::npos ? "[" + j.host + "]" : j.host;
    spec = (j.user.empty() ? "" : j.user + "@") + host +
           (j.port > 0 ? fmt::format(":{}", j.port) : "");
    self_key = j.key;
    break;
  }
  for (auto& ep : eps)
    if (ep.key != self_key && ep.host != spec) ep.default_jump = spec;
}

}  // namespace dust::shell
