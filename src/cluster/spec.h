// The `load` spec (PRODUCT.md §4, the seed's sample1.yaml): a minimal description of a new cluster,
// validated strictly — every error names the file, the line and the key.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_file.h"

namespace dust::cluster {

// One `nodes:` entry as written (count not yet expanded).
struct SpecNode {
  std::string image;
  std::string instance_type;
  std::string nodename;
  std::string username;
  std::string key;  // EC2 key pair name; "" = the cluster's key (if any)
  int count = 1;
  int line = 0;  // 1-based line of the entry
};

// One instance to create, after count expansion.
struct SpecInstance {
  std::string nodename;  // "master", or "worker0".."worker{N-1}" for count N > 1
  std::string image;
  std::string instance_type;
  std::string username;
  std::string key;  // node key, else cluster key, else ""
};

struct Spec {
  std::string path;
  std::string provider = "ec2";
  std::string region;
  std::string name;
  std::string key;     // default key pair for all nodes
  std::string vpc_id;  // both or neither of vpc_id / subnet_id
  std::string subnet_id;
  std::string ssh_cidr = "0.0.0.0/0";
  bool ssh_cidr_defaulted = true;  // the caller warns: ssh open to the world
  std::vector<SpecNode> nodes;
};

// Resources the template adds besides one per node; node names may not take these logical ids.
inline constexpr const char* kSecurityGroupId = "ClusterSecurityGroup";
inline constexpr const char* kIntraIngressId = "ClusterIngressIntra";
inline constexpr const char* kSshIngressId = "ClusterIngressSsh";
// CloudFormation allows 500 resources per template; three are ours.
inline constexpr int kMaxInstances = 497;

// Parses and validates; throws dust::Error "file:line: key: message" on the first problem.
Spec parse_spec(std::string_view text, const std::string& file);
Spec read_spec(const std::string& path);

// count N > 1 → nodename0..nodename{N-1}; count 1 → nodename. In spec order.
std::vector<SpecInstance> expand(const Spec& spec);

// The cluster file `load` saves: filter on the stack-name tag CloudFormation puts on every
// instance, one node per instance selected by its Name tag, the spec's ssh user.
ClusterFile cluster_file_for(const Spec& spec);

// True for a CloudFormation stack name: a letter, then letters, digits or '-', at most 128.
bool valid_stack_name(std::string_view name);

}  // namespace dust::cluster
