// Parsing and printing of security-group ingress rules for `secgroup`.
#include "shell/secgroup_rule.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstdint>

#include "util/error.h"

namespace dust::shell {
namespace {

// Decimal integer in [lo, hi] with no sign, spaces or leading '+'; false otherwise.
bool parse_int(const std::string& s, int lo, int hi, int* out) {
  if (s.empty() || s.size() > 6) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

std::string canonical_protocol(const std::string& p) {
  if (p == "tcp" || p == "6") return "tcp";
  if (p == "udp" || p == "17") return "udp";
  if (p == "icmp" || p == "1") return "icmp";
  if (p == "all" || p == "-1" || p == "any") return "-1";
  throw Error(fmt::format("bad protocol '{}': use tcp, udp, icmp or all", p));
}

bool is_group_id(const std::string& s) {
  if (s.size() < 4 || s.compare(0, 3, "sg-") != 0) return false;
  for (size_t i = 3; i < s.size(); ++i)
    if (!isxdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

}  // namespace

std::string check_ipv4_cidr(const std::string& text) {
  std::string addr = text;
  int len = 32;
  if (size_t slash = text.find('/'); slash != std::string::npos) {
    addr = text.substr(0, slash);
    if (!parse_int(text.substr(slash + 1), 0, 32, &len)) return "prefix length must be 0-32";
  }
  // inet_pton's IPv4 form is strict dotted quad (no octal, no short forms).
  in_addr a{};
  if (inet_pton(AF_INET, addr.c_str(), &a) != 1) return "not an IPv4 address";
  uint32_t host = ntohl(a.s_addr);
  uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
  if (host & ~mask) {
    in_addr net{};
    net.s_addr = htonl(host & mask);
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &net, buf, sizeof buf);
    return fmt::format("host bits are set (did you mean {}/{}?)", buf, len);
  }
  return "";
}

cloud::IpPermission parse_rule(const std::string& proto, const std::string& ports,
                               const std::string& source) {
  cloud::IpPermission r;
  r.protocol = canonical_protocol(proto);
  bool every = ports == "all" || ports == "*" || ports == "-1";
  if (r.protocol == "-1") {
    if (!every)
      throw Error(
          fmt::format("protocol all covers every port; give 'all' as the port, not '{}'", ports));
  } else if (r.protocol == "icmp") {
    // For ICMP, EC2 reads FromPort as the ICMP type and ToPort as the code (-1 = all).
    if (!every && !parse_int(ports, 0, 255, &r.from_port))
      throw Error(fmt::format("bad ICMP type '{}': use a number 0-255 or all", ports));
  } else if (every) {
    r.from_port = 0;
    r.to_port = 65535;
  } else {
    size_t dash = ports.find('-');
    std::string first = ports.substr(0, dash);
    std::string last = dash == std::string::npos ? first : ports.substr(dash + 1);
    if (!parse_int(first, 0, 65535, &r.from_port) || !parse_int(last, 0, 65535, &r.to_port))
      throw Error(fmt::format("bad port range '{}': use a port 0-65535 or first-last", ports));
    if (r.from_port > r.to_port)
      throw Error(fmt::format("bad port range '{}': the first port is above the last", ports));
  }

  if (is_group_id(source)) {
    r.source_groups.push_back(source);
  } else if (source.find(':') != std::string::npos) {
    std::string addr = source.substr(0, source.find('/'));
    int len = 128;
    in6_addr a6{};
    if (inet_pton(AF_INET6, addr.c_str(), &a6) != 1 ||
        (source.find('/') != std::string::npos &&
         !parse_int(source.substr(source.find('/') + 1), 0, 128, &len)))
      throw Error(fmt::format("bad source '{}': not an IPv6 CIDR", source));
    r.ipv6_cidrs.push_back(source.find('/') == std::string::npos ? source + "/128" : source);
  } else {
    if (std::string why = check_ipv4_cidr(source); !why.empty())
      throw Error(fmt::format(
          "bad source '{}': {} (give a CIDR like 203.0.113.0/24, an address, sg-… or myip)", source,
          why));
    r.cidrs.push_back(source.find('/') == std::string::npos ? source + "/32" : source);
  }
  return r;
}

std::string protocol_label(const cloud::IpPermission& r) {
  if (r.protocol == "-1") return "all";
  if (r.protocol == "6") return "tcp";
  if (r.protocol == "17") return "udp";
  if (r.protocol == "1") return "icmp";
  return r.protocol;
}

std::string ports_label(const cloud::IpPermission& r) {
  std::string p = protocol_label(r);
  if (p == "all" || r.from_port == -1) return "all";
  if (p == "icmp")
    return r.to_port == -1 ? fmt::format("type {}", r.from_port)
                           : fmt::format("type {} code {}", r.from_port, r.to_port);
  if (r.from_port == 0 && r.to_port == 65535) return "all";
  if (r.from_port == r.to_port) return std::to_string(r.from_port);
  return fmt::format("{}-{}", r.from_port, r.to_port);
}

std::string sources_label(const cloud::IpPermission& r) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  for (const auto& c : r.cidrs) add(c);
  for (const auto& c : r.ipv6_cidrs) add(c);
  for (const auto& g : r.source_groups) add(g);
  return out.empty() ? "-" : out;
}

}  // namespace dust::shell
