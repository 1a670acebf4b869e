// FakeEc2: EC2's observable behaviour for dust's calls, in memory.
#include "fakes/fake_ec2.h"

#include <fmt/format.h>

#include <algorithm>

#include "cloud/query.h"

namespace dust::cloud {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

bool same_rule(const IpPermission& a, const IpPermission& b) {
  return a.protocol == b.protocol && a.from_port == b.from_port && a.to_port == b.to_port;
}

}  // namespace

FakeEc2::FakeEc2(std::string region, Nodes nodes, std::vector<SecurityGroup> sgs)
    : instances(std::move(nodes)), groups(std::move(sgs)), region_(std::move(region)) {}

Node& FakeEc2::find(const std::string& id) {
  for (auto& n : instances)
    if (n.id == id) return n;
  throw AwsError(
      "InvalidInstanceID.NotFound", 400,
      fmt::format("AWS error InvalidInstanceID.NotFound: The instance ID '{}' does not exist", id));
}

SecurityGroup& FakeEc2::group(const std::string& id) {
  for (auto& g : groups)
    if (g.id == id) return g;
  throw AwsError(
      "InvalidGroup.NotFound", 400,
      fmt::format("AWS error InvalidGroup.NotFound: The security group '{}' does not exist", id));
}

Nodes FakeEc2::describe_instances(const std::vector<Filter>& filters) {
  auto any_of = [](const std::vector<std::string>& values, const std::string& v) {
    return std::find(values.begin(), values.end(), v) != values.end();
  };
  Nodes out;
  for (const auto& n : instances) {
    bool keep = true;
    for (const auto& f : filters) {
      if (f.name == "instance-id") {
        keep = keep && any_of(f.values, n.id);
      } else if (f.name == "instance-state-name") {
        keep = keep && any_of(f.values, n.state);
      } else if (f.name.rfind("tag:", 0) == 0) {
        auto v = n.tag(f.name.substr(4));
        keep = keep && v && any_of(f.values, *v);
      } else {
        throw AwsError(
            "InvalidParameterValue", 400,
            fmt::format("AWS error InvalidParameterValue: filter '{}' (not in the fake)", f.name));
      }
    }
    if (keep) out.push_back(n);
  }
  return out;
}

std::vector<StateChange> FakeEc2::change(const std::string& action,
                                         const std::vector<std::string>& ids,
                                         const std::string& to) {
  for (const auto& id : ids) find(id);  // all or nothing, as AWS validates ids first
  calls.push_back(action + " " + joined(ids));
  std::vector<StateChange> out;
  for (const auto& id : ids) {
    Node& n = find(id);
    if (n.state == "terminated" && to != "terminated")
      throw AwsError(
          "IncorrectInstanceState", 400,
          fmt::format("AWS error IncorrectInstanceState: instance '{}' is terminated", id));
    out.push_back({id, n.state, to});
    n.state = to;
  }
  return out;
}

std::vector<StateChange> FakeEc2::start_instances(const std::vector<std::string>& ids) {
  return change("StartInstances", ids, "running");
}
std::vector<StateChange> FakeEc2::stop_instances(const std::vector<std::string>& ids) {
  return change("StopInstances", ids, "stopped");
}
std::vector<StateChange> FakeEc2::terminate_instances(const std::vector<std::string>& ids) {
  return change("TerminateInstances", ids, "terminated");
}

void FakeEc2::create_tags(const std::vector<std::string>& ids,
                          const std::vector<std::pair<std::string, std::string>>& tags) {
  for (const auto& id : ids) find(id);
  calls.push_back("CreateTags " + joined(ids));
  for (const auto& id : ids) {
    Node& n = find(id);
    for (const auto& tag : tags) {
      const std::string& k = tag.first;
      const std::string& v = tag.second;
      auto it = std::find_if(n.tags.begin(), n.tags.end(), [&](auto& t) { return t.first == k; });
      if (it != n.tags.end())
        it->second = v;
      else
        n.tags.emplace_back(k, v);
      if (k == "Name") n.name = v;
    }
  }
}

void FakeEc2::delete_tags(const std::vector<std::string>& ids,
                          const std::vector<std::string>& keys) {
  for (const auto& id : ids) find(id);
  calls.push_back("DeleteTags " + joined(ids));
  for (const auto& id : ids) {
    Node& n = find(id);
    for (const auto& k : keys) {
      std::erase_if(n.tags, [&](auto& t) { return t.first == k; });
      if (k == "Name") n.name.clear();
    }
  }
}

std::vector<std::string> FakeEc2::describe_regions() {
  return {"eu-west-1", "us-east-1", "us-west-2"};
}

std::vector<SecurityGroup> FakeEc2::describe_security_groups(const std::vector<std::string>& ids,
                                                             const std::vector<Filter>& filters) {
  std::vector<SecurityGroup> out;
  for (const auto& id : ids) out.push_back(group(id));
  if (!ids.empty()) return out;
  for (const auto& g : groups) {
    bool keep = true;
    for (const auto& f : filters)
      if (f.name == "group-name")
        keep = keep && std::find(f.values.begin(), f.values.end(), g.name) != f.values.end();
    if (keep) out.push_back(g);
  }
  return out;
}

void FakeEc2::authorize_ingress(const std::string& group_id, const IpPermission& rule) {
  SecurityGroup& g = group(group_id);
  for (const auto& r : g.ingress)
    if (same_rule(r, rule) && r.cidrs == rule.cidrs)
      throw AwsError("InvalidPermission.Duplicate", 400,
                     "AWS error InvalidPermission.Duplicate: the specified rule already exists");
  calls.push_back("AuthorizeSecurityGroupIngress " + group_id);
  g.ingress.push_back(rule);
}

void FakeEc2::revoke_ingress(const std::string& group_id, const IpPermission& rule) {
  SecurityGroup& g = group(group_id);
  auto it = std::find_if(g.ingress.begin(), g.ingress.end(), [&](const IpPermission& r) {
    return same_rule(r, rule) && r.cidrs == rule.cidrs;
  });
  if (it == g.ingress.end())
    throw AwsError("InvalidPermission.NotFound", 400,
                   "AWS error InvalidPermission.NotFound: the specified rule does not exist");
  calls.push_back("RevokeSecurityGroupIngress " + group_id);
  g.ingress.erase(it);
}

}  // namespace dust::cloud
