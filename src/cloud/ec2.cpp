// EC2 client: builds each call's parameters and hands the response to ec2_parse.
#include "cloud/ec2.h"

#include "cloud/ec2_parse.h"
#include "util/log.h"

namespace dust::cloud {

// 2016-11-15 is the current (and long-lived) EC2 API version; moto and AWS both speak it.
Ec2::Ec2(AwsConfig cfg, std::string region)
    : cfg_(std::move(cfg)),
      region_(std::move(region)),
      q_(cfg_, "ec2", "EC2", "2016-11-15", region_, cfg_.ec2_endpoint) {}

void Ec2::add_filters(Params& p, const std::vector<Filter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    const std::string base = "Filter." + std::to_string(i + 1);
    p.emplace_back(base + ".Name", filters[i].name);
    add_list(p, base + ".Value", filters[i].values);
  }
}

Nodes Ec2::describe_instances(const std::vector<Filter>& filters) {
  Nodes out;
  std::string token;
  do {
    Params p{{"MaxResults", "1000"}};  // the largest page AWS allows: fewest round trips
    add_filters(p, filters);
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto r = q_.call("DescribeInstances", p);
    token = ec2_parse::instances(r->root(), &out);
  } while (!token.empty());
  log::debug("EC2 DescribeInstances: {} instances in {}", out.size(), region_);
  return out;
}

std::vector<StateChange> Ec2::change_state(const std::string& action,
                                           const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  Params p;
  add_list(p, "InstanceId", ids);
  auto r = q_.call(action, p);
  return ec2_parse::state_changes(r->root());
}

std::vector<StateChange> Ec2::start_instances(const std::vector<std::string>& ids) {
  return change_state("StartInstances", ids);
}
std::vector<StateChange> Ec2::stop_instances(const std::vector<std::string>& ids) {
  return change_state("StopInstances", ids);
}
std::vector<StateChange> Ec2::terminate_instances(const std::vector<std::string>& ids) {
  return change_state("TerminateInstances", ids);
}

void Ec2::create_tags(const std::vector<std::string>& ids,
                      const std::vector<std::pair<std::string, std::string>>& tags) {
  if (ids.empty() || tags.empty()) return;
  Params p;
  add_list(p, "ResourceId", ids);
  for (size_t i = 0; i < tags.size(); ++i) {
    p.emplace_back("Tag." + std::to_string(i + 1) + ".Key", tags[i].first);
    p.emplace_back("Tag." + std::to_string(i + 1) + ".Value", tags[i].second);
  }
  q_.call("CreateTags", p);
}

void Ec2::delete_tags(const std::vector<std::string>& ids, const std::vector<std::string>& keys) {
  // No keys would mean "delete every tag" to the API: never send that by accident.
  if (ids.empty() || keys.empty()) return;
  Params p;
  add_list(p, "ResourceId", ids);
  for (size_t i = 0; i < keys.size(); ++i)
    p.emplace_back("Tag." + std::to_string(i + 1) + ".Key", keys[i]);
  q_.call("DeleteTags", p);
}

std::vector<std::string> Ec2::describe_regions() {
  auto r = q_.call("DescribeRegions", {});
  return ec2_parse::regions(r->root());
}

std::vector<SecurityGroup> Ec2::describe_security_groups(const std::vector<std::string>& ids,
                                                         const std::vector<Filter>& filters) {
  std::vector<SecurityGroup> out;
  std::string token;
  do {
    Params p;
    add_list(p, "GroupId", ids);
    add_filters(p, filters);
    if (ids.empty())
      p.emplace_back("MaxResults", "1000");  // the API refuses MaxResults with GroupIds
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto r = q_.call("DescribeSecurityGroups", p);
    token = ec2_parse::security_groups(r->root(), &out);
  } while (!token.empty());
  return out;
}

Params Ec2::ingress_params(const std::string& group_id, const IpPermission& rule) {
  Params p{{"GroupId", group_id}, {"IpPermissions.1.IpProtocol", rule.protocol}};
  if (rule.protocol != "-1") {
    p.emplace_back("IpPermissions.1.FromPort", std::to_string(rule.from_port));
    p.emplace_back("IpPermissions.1.ToPort", std::to_string(rule.to_port));
  }
  for (size_t i = 0; i < rule.cidrs.size(); ++i)
    p.emplace_back("IpPermissions.1.IpRanges." + std::to_string(i + 1) + ".CidrIp", rule.cidrs[i]);
  for (size_t i = 0; i < rule.ipv6_cidrs.size(); ++i)
    p.emplace_back("IpPermissions.1.Ipv6Ranges." + std::to_string(i + 1) + ".CidrIpv6",
                   rule.ipv6_cidrs[i]);
  for (size_t i = 0; i < rule.source_groups.size(); ++i)
    p.emplace_back("IpPermissions.1.Groups." + std::to_string(i + 1) + ".GroupId",
                   rule.source_groups[i]);
  return p;
}

void Ec2::authorize_ingress(const std::string& group_id, const IpPermission& rule) {
  q_.call("AuthorizeSecurityGroupIngress", ingress_params(group_id, rule));
}

void Ec2::revoke_ingress(const std::string& group_id, const IpPermission& rule) {
  q_.call("RevokeSecurityGroupIngress", ingress_params(group_id, rule));
}

}  // namespace dust::cloud
