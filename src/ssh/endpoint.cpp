// endpoint_for: the address/user/key precedence of PRODUCT.md §2, pure apart from file existence.
#include "ssh/endpoint.h"

#include "util/paths.h"

namespace dust::ssh {

namespace {

std::string address_of(const Node& n, const std::string& kind) {
  if (kind == "public") return n.public_ip.empty() ? n.private_ip : n.public_ip;
  if (kind == "private") return n.private_ip.empty() ? n.public_ip : n.private_ip;
  if (kind == "dns") {
    if (!n.public_dns.empty()) return n.public_dns;
    if (!n.private_dns.empty()) return n.private_dns;
    return n.public_ip.empty() ? n.private_ip : n.public_ip;
  }
  return kind;  // a literal host name or address
}

}  // namespace

Endpoint endpoint_for(const Node& n, const Options& o) {
  Endpoint e;
  e.node_label = n.label();
  e.key = n.id.empty() ? n.label() : n.id;
  std::string kind = !n.address.empty() ? n.address : (!o.address.empty() ? o.address : "public");
  e.host = address_of(n, kind);
  e.port = n.port;
  e.user = n.username;
  e.keyfile = n.keyfile.empty() ? "" : paths::expand_user(n.keyfile);
  e.key_name = n.key_name;
  e.proxy_jump = n.proxy_jump;
  return e;
}

std::vector<std::string> key_name_candidates(const Endpoint& e, const Options& o) {
  std::vector<std::string> out;
  if (auto it = o.key_files.find(e.key_name); !e.key_name.empty() && it != o.key_files.end()) {
    std::string p = paths::expand_user(it->second);
    if (paths::exists(p)) out.push_back(p);
  }
  if (e.key_name.empty() || e.key_name.find('/') != std::string::npos) return out;
  for (const auto& dir :
       {paths::join(paths::dust_home(), "keys"), paths::join(paths::home(), ".ssh")}) {
    std::string p = paths::join(dir, e.key_name + ".pem");
    if (paths::exists(p)) out.push_back(p);
  }
  return out;
}

}  // namespace dust::ssh
