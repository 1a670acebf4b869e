// `load` spec parsing, validation and count expansion.
#include "cluster/spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "cluster/yaml_reader.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace dust::cluster {

namespace {

bool alnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return isalnum(static_cast<unsigned char>(c)); });
}

bool has_prefix_id(const std::string& s, const std::string& prefix) {
  if (s.rfind(prefix, 0) != 0 || s.size() == prefix.size()) return false;
  return std::all_of(s.begin() + prefix.size(), s.end(),
                     [](char c) { return isalnum(static_cast<unsigned char>(c)); });
}

// a.b.c.d/n with each octet 0-255 and n 0-32.
bool valid_cidr(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  auto number = [](std::string_view t, int max) {
    if (t.empty() || t.size() > 3 || !std::all_of(t.begin(), t.end(), ::isdigit)) return false;
    return std::stoi(std::string(t)) <= max;
  };
  std::string_view ip(s.data(), slash);
  int parts = 0;
  size_t start = 0;
  while (true) {
    size_t dot = ip.find('.', start);
    std::string_view part = ip.substr(start, dot == std::string_view::npos ? ip.npos : dot - start);
    if (!number(part, 255)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4 && number(std::string_view(s).substr(slash + 1), 32);
}

bool reserved_logical_id(const std::string& name) {
  return name == kSecurityGroupId || name == kIntraIngressId || name == kSshIngressId;
}

}  // namespace

bool valid_stack_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || !isalpha(static_cast<unsigned char>(name[0])))
    return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

Spec parse_spec(std::string_view text, const std::string& file) {
  YAML::Node root = load_yaml(text, file);
  MapReader top(root, file, "", {"cloud", "cluster", "nodes"}, true);
  Spec s;
  s.path = file;

  MapReader cloud(top.map("cloud"), file, "cloud", {"provider", "region"}, true);
  s.provider = cloud.str("provider");
  if (s.provider != "ec2")
    cloud.fail("provider", "only 'ec2' is supported, not '" + s.provider + "'");
  s.region = cloud.str("region");
  if (s.region.empty()) cloud.fail("region", "must not be empty");

  MapReader cl(top.map("cluster"), file, "cluster",
               {"name", "key", "vpc_id", "subnet_id", "ssh_cidr"}, true);
  s.name = cl.str("name");
  if (!valid_stack_name(s.name))
    cl.fail("name",
            "'" + s.name + "' is not a valid stack name (a letter, then letters, digits or '-')");
  s.key = cl.opt_str("key").value_or("");
  s.vpc_id = cl.opt_str("vpc_id").value_or("");
  s.subnet_id = cl.opt_str("subnet_id").value_or("");
  // A subnet belongs to one VPC and the security group must be in that VPC: one without the
  // other gives a template CloudFormation rejects only after creating half the stack.
  if (cl.has("vpc_id") && !cl.has("subnet_id"))
    cl.fail("subnet_id", "missing required key (vpc_id and subnet_id go together)");
  if (cl.has("subnet_id") && !cl.has("vpc_id"))
    cl.fail("vpc_id", "missing required key (vpc_id and subnet_id go together)");
  if (cl.has("vpc_id") && !has_prefix_id(s.vpc_id, "vpc-"))
    cl.fail("vpc_id", "'" + s.vpc_id + "' is not a VPC id (vpc-...)");
  if (cl.has("subnet_id") && !has_prefix_id(s.subnet_id, "subnet-"))
    cl.fail("subnet_id", "'" + s.subnet_id + "' is not a subnet id (subnet-...)");
  if (auto cidr = cl.opt_str("ssh_cidr")) {
    if (!valid_cidr(*cidr)) cl.fail("ssh_cidr", "'" + *cidr + "' is not an IPv4 CIDR (a.b.c.d/n)");
    s.ssh_cidr = *cidr;
    s.ssh_cidr_defaulted = false;
  }

  YAML::Node nodes = top.seq("nodes");
  if (nodes.size() == 0) top.fail("nodes", "must list at least one node");
  std::map<std::string, int> taken;  // expanded nodename → line that claimed it
  int total = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    MapReader n(nodes[i], file, "nodes[" + std::to_string(i) + "]",
                {"image", "instance_type", "nodename", "username", "key", "count"}, true);
    SpecNode sn;
    sn.line = n.mark().line + 1;
    sn.image = n.str("image");
    if (!has_prefix_id(sn.image, "ami-"))
      n.fail("image", "'" + sn.image + "' is not an AMI id (ami-...)");
    sn.instance_type = n.str("instance_type");
    if (sn.instance_type.empty()) n.fail("instance_type", "must not be empty");
    sn.nodename = n.str("nodename");
    // Names become CloudFormation logical ids and target words: alphanumeric only.
    if (!alnum(sn.nodename))
      n.fail("nodename", "'" + sn.nodename + "' must be alphanumeric (letters and digits only)");
    if (reserved_logical_id(sn.nodename))
      n.fail("nodename", "'" + sn.nodename + "' is reserved for the cluster's security group");
    sn.username = n.str("username");
    if (sn.username.empty()) n.fail("username", "must not be empty");
    sn.key = n.opt_str("key").value_or("");
    if (auto count = n.opt_int("count")) {
      if (*count < 1) n.fail("count", "must be at least 1, not " + std::to_string(*count));
      if (*count > kMaxInstances)
        n.fail("count", "at most " + std::to_string(kMaxInstances) + " instances per cluster");
      sn.count = static_cast<int>(*count);
    }
    total += sn.count;
    if (total > kMaxInstances)
      n.fail("count", "the cluster has more than " + std::to_string(kMaxInstances) +
                          " instances (CloudFormation allows 500 resources)");
    std::vector<std::string> names;
    if (sn.count == 1) names.push_back(sn.nodename);
    for (int k = 0; sn.count > 1 && k < sn.count; ++k)
      names.push_back(sn.nodename + std::to_string(k));
    for (const auto& name : names) {
      if (reserved_logical_id(name))
        n.fail("nodename", "'" + name + "' is reserved for the cluster's security group");
      auto [it, fresh] = taken.emplace(name, sn.line);
      if (!fresh)
        n.fail("nodename", "duplicate node name '" + name + "' (also on line " +
                               std::to_string(it->second) + ")");
    }
    s.nodes.push_back(std::move(sn));
  }
  return s;
}

Spec read_spec(const std::string& path) { return parse_spec(util::read_file(path), path); }

std::vector<SpecInstance> expand(const Spec& spec) {
  std::vector<SpecInstance> out;
  for (const auto& n : spec.nodes) {
    SpecInstance base{n.nodename, n.image, n.instance_type, n.username,
                      n.key.empty() ? spec.key : n.key};
    if (n.count == 1) {
      out.push_back(base);
      continue;
    }
    for (int k = 0; k < n.count; ++k) {
      SpecInstance i = base;
      i.nodename = n.nodename + std::to_string(k);
      out.push_back(std::move(i));
    }
  }
  return out;
}

ClusterFile cluster_file_for(const Spec& spec) {
  ClusterFile c;
  c.provider = spec.provider;
  c.region = spec.region;
  c.name = spec.name;
  c.filter = "tags=aws:cloudformation:stack-name:" + spec.name;
  for (const auto& i : expand(spec)) {
    FileNode n;
    n.nodename = i.nodename;
    n.selector = "tags=name:" + i.nodename;
    n.ssh.username = i.username;
    c.nodes.push_back(std::move(n));
  }
  return c;
}

}  // namespace dust::cluster
