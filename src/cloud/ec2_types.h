// Plain values the EC2 client returns besides dust::Node: state changes, security groups, filters.
#pragma once
#include <string>
#include <vector>

namespace dust::cloud {

struct StateChange {
  std::string id;
  std::string previous;
  std::string current;
};

// An EC2 API filter: Filter.N.Name / Filter.N.Value.M (e.g. {"tag:Name", {"web*"}}).
struct Filter {
  std::string name;
  std::vector<std::string> values;
};

// One ingress rule. protocol "tcp"/"udp"/"icmp"/"-1" (all); ports -1 when the protocol has none.
struct IpPermission {
  std::string protocol;
  int from_port = -1;
  int to_port = -1;
  std::vector<std::string> cidrs;  // IPv4 CIDRs
  std::vector<std::string> ipv6_cidrs;
  std::vector<std::string> source_groups;  // security group ids
};

struct SecurityGroup {
  std::string id;
  std::string name;
  std::string description;
  std::string vpc;
  std::vector<IpPermission> ingress;
};

}  // namespace dust::cloud
