// Arguments of `secgroup allow|revoke` (protocol, port range, source) → one ingress rule, and the
// printed form of rules for `secgroup`. Pure: validated before any API call so a typo changes
// nothing.
#pragma once
#include <string>

#include "cloud/ec2_types.h"

namespace dust::shell {

// proto: tcp | udp | icmp | all (also the numbers 6, 17, 1, -1).
// ports: "22", "8000-8100"; "all" or "*" = every port (the only choice for proto all);
//        for icmp an ICMP type ("8") or "all".
// source: IPv4 CIDR ("10.0.0.0/8"; a bare address means /32), IPv6 CIDR, or a group id "sg-…".
// Throws dust::Error naming the bad word.
cloud::IpPermission parse_rule(const std::string& proto, const std::string& ports,
                               const std::string& source);

// Strict dotted-quad IPv4 with optional /len; "" when valid, else why not. Host bits must be zero.
std::string check_ipv4_cidr(const std::string& text);

// Printed forms: "tcp", "all"; "22", "8000-8100", "all"; "0.0.0.0/0, sg-0abc".
std::string protocol_label(const cloud::IpPermission& r);
std::string ports_label(const cloud::IpPermission& r);
std::string sources_label(const cloud::IpPermission& r);

}  // namespace dust::shell
