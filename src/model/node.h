// A node: one EC2 instance as dust sees it — what `show` prints and what targets select.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dust {

struct Node {
  std::string name;   // cluster nodename, else Name tag, else "" (addressable by id)
  std::string id;     // instance id, or "" for a cluster node with no instance ("absent")
  std::string state;  // pending|running|stopping|stopped|shutting-down|terminated|absent
  std::string instance_type;
  std::string image;
  std::string key_name;
  std::string public_ip;
  std::string private_ip;
  std::string public_dns;
  std::string private_dns;
  std::string vpc;
  std::string subnet;
  std::string az;
  std::string launch_time;
  std::vector<std::string> groups;                        // security group ids
  std::vector<std::pair<std::string, std::string>> tags;  // in API order

  // Set when the node belongs to the cluster in use (cluster file, PRODUCT.md §4).
  std::string cluster;
  std::string username;
  std::string keyfile;
  std::string address;  // public|private|dns or a literal host
  std::string proxy_jump;
  int port = 0;  // 0 = default

  // Tag value by key, key matched case-insensitively (the Name tag is "Name" or "name").
  std::optional<std::string> tag(const std::string& key) const;
  // Name to print: name, else id. display_name() adds "(id)" when the name is ambiguous.
  const std::string& label() const { return name.empty() ? id : name; }
};

using Nodes = std::vector<Node>;

}  // namespace dust
