// EC2 response parsing.
#include "cloud/ec2_parse.h"

#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace dust::cloud::ec2_parse {
namespace {

using sv = std::string_view;

// Tags: <tagSet><item><key/><value/></item>…</tagSet>, in API order.
void read_tags(const pugi::xml_node& set, std::vector<std::pair<std::string, std::string>>* out) {
  for (pugi::xml_node item = set.first_child(); item; item = item.next_sibling())
    out->emplace_back(item.child_value("key"), item.child_value("value"));
}

int to_int(const char* s, int dflt) {
  if (!s || !*s) return dflt;
  return static_cast<int>(std::strtol(s, nullptr, 10));
}

}  // namespace

Node instance(const pugi::xml_node& item) {
  Node n;
  pugi::xml_node eni_set;
  // One pass over the children instead of a lookup per field.
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    const sv name = c.name();
    if (name == "instanceId")
      n.id = c.child_value();
    else if (name == "imageId")
      n.image = c.child_value();
    else if (name == "instanceState")
      n.state = c.child_value("name");
    else if (name == "privateDnsName")
      n.private_dns = c.child_value();
    else if (name == "dnsName")
      n.public_dns = c.child_value();
    else if (name == "keyName")
      n.key_name = c.child_value();
    else if (name == "instanceType")
      n.instance_type = c.child_value();
    else if (name == "launchTime")
      n.launch_time = c.child_value();
    else if (name == "placement")
      n.az = c.child_value("availabilityZone");
    else if (name == "subnetId")
      n.subnet = c.child_value();
    else if (name == "vpcId")
      n.vpc = c.child_value();
    else if (name == "privateIpAddress")
      n.private_ip = c.child_value();
    else if (name == "ipAddress")
      n.public_ip = c.child_value();
    else if (name == "groupSet") {
      for (pugi::xml_node g = c.first_child(); g; g = g.next_sibling())
        n.groups.emplace_back(g.child_value("groupId"));
    } else if (name == "tagSet") {
      read_tags(c, &n.tags);
    } else if (name == "networkInterfaceSet") {
      eni_set = c;
    }
  }
  // AWS lists the instance's groups in its own groupSet; moto leaves that empty and lists them only
  // on the network interfaces, so fall back to those (deduplicated, in order).
  if (n.groups.empty() && eni_set) {
    for (pugi::xml_node eni = eni_set.first_child(); eni; eni = eni.next_sibling())
      for (pugi::xml_node g = eni.child("groupSet").first_child(); g; g = g.next_sibling()) {
        std::string id = g.child_value("groupId");
        if (std::find(n.groups.begin(), n.groups.end(), id) == n.groups.end())
          n.groups.push_back(std::move(id));
      }
  }
  // The Name tag's key is matched case-insensitively ("Name" or "name"); the first one wins.
  for (const auto& [k, v] : n.tags)
    if (strcasecmp(k.c_str(), "name") == 0) {
      n.name = v;
      break;
    }
  return n;
}

std::string instances(const pugi::xml_node& response, Nodes* out) {
  for (pugi::xml_node res = response.child("reservationSet").first_child(); res;
       res = res.next_sibling())
    for (pugi::xml_node item = res.child("instancesSet").first_child(); item;
         item = item.next_sibling())
      out->push_back(instance(item));
  return response.child_value("nextToken");
}

std::vector<StateChange> state_changes(const pugi::xml_node& response) {
  std::vector<StateChange> out;
  for (pugi::xml_node item = response.child("instancesSet").first_child(); item;
       item = item.next_sibling())
    out.push_back({item.child_value("instanceId"), item.child("previousState").child_value("name"),
                   item.child("currentState").child_value("name")});
  return out;
}

std::vector<std::string> regions(const pugi::xml_node& response) {
  std::vector<std::string> out;
  for (pugi::xml_node item = response.child("regionInfo").first_child(); item;
       item = item.next_sibling())
    out.emplace_back(item.child_value("regionName"));
  return out;
}

std::string security_groups(const pugi::xml_node& response, std::vector<SecurityGroup>* out) {
  for (pugi::xml_node item = response.child("securityGroupInfo").first_child(); item;
       item = item.next_sibling()) {
    SecurityGroup g;
    g.id = item.child_value("groupId");
    g.name = item.child_value("groupName");
    g.description = item.child_value("groupDescription");
    g.vpc = item.child_value("vpcId");
    for (pugi::xml_node p = item.child("ipPermissions").first_child(); p; p = p.next_sibling()) {
      IpPermission perm;
      perm.protocol = p.child_value("ipProtocol");
      perm.from_port = to_int(p.child_value("fromPort"), -1);
      perm.to_port = to_int(p.child_value("toPort"), -1);
      for (pugi::xml_node r = p.child("ipRanges").first_child(); r; r = r.next_sibling())
        perm.cidrs.emplace_back(r.child_value("cidrIp"));
      for (pugi::xml_node r = p.child("ipv6Ranges").first_child(); r; r = r.next_sibling())
        perm.ipv6_cidrs.emplace_back(r.child_value("cidrIpv6"));
      for (pugi::xml_node r = p.child("groups").first_child(); r; r = r.next_sibling())
        perm.source_groups.emplace_back(r.child_value("groupId"));
      g.ingress.push_back(std::move(perm));
    }
    out->push_back(std::move(g));
  }
  return response.child_value("nextToken");
}

}  // namespace dust::cloud::ec2_parse
