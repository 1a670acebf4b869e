// CloudFormation template generation for `load`.
#include "cluster/template.h"

namespace dust::cluster {

namespace {

using json = nlohmann::ordered_json;

// Security groups are referred to by GroupId via GetAtt, never by Ref: Ref yields a group *name*
// outside the default VPC, which AWS rejects, and moto leaves the stack CREATE_IN_PROGRESS forever.
json group_id() { return {{"Fn::GetAtt", json::array({kSecurityGroupId, "GroupId"})}}; }

json name_tag(const std::string& value) {
  return json::array({{{"Key", "Name"}, {"Value", value}}});
}

json security_group(const Spec& spec) {
  json props;
  props["GroupDescription"] = "dust cluster " + spec.name + " nodes";
  if (!spec.vpc_id.empty()) props["VpcId"] = spec.vpc_id;
  props["Tags"] = name_tag(spec.name + "-nodes");
  return {{"Type", "AWS::EC2::SecurityGroup"}, {"Properties", props}};
}

// Nodes of the cluster reach each other on every port and protocol.
json intra_ingress() {
  json props;
  props["GroupId"] = group_id();
  props["IpProtocol"] = "-1";
  props["SourceSecurityGroupId"] = group_id();
  props["Description"] = "all traffic between the cluster's nodes";
  return {{"Type", "AWS::EC2::SecurityGroupIngress"}, {"Properties", props}};
}

json ssh_ingress(const Spec& spec) {
  json props;
  props["GroupId"] = group_id();
  props["IpProtocol"] = "tcp";
  props["FromPort"] = 22;
  props["ToPort"] = 22;
  props["CidrIp"] = spec.ssh_cidr;
  props["Description"] = "ssh from " + spec.ssh_cidr;
  return {{"Type", "AWS::EC2::SecurityGroupIngress"}, {"Properties", props}};
}

json instance(const Spec& spec, const SpecInstance& i) {
  json props;
  props["ImageId"] = i.image;
  props["InstanceType"] = i.instance_type;
  if (!i.key.empty()) props["KeyName"] = i.key;
  props["SecurityGroupIds"] = json::array({group_id()});
  if (!spec.subnet_id.empty()) props["SubnetId"] = spec.subnet_id;
  // The Name tag is what the saved cluster file's selectors (tags=name:<nodename>) match.
  props["Tags"] = name_tag(i.nodename);
  return {{"Type", "AWS::EC2::Instance"}, {"Properties", props}};
}

}  // namespace

nlohmann::ordered_json build_template(const Spec& spec) {
  json t;
  t["AWSTemplateFormatVersion"] = "2010-09-09";
  t["Description"] = "dust cluster " + spec.name;
  json resources;
  resources[kSecurityGroupId] = security_group(spec);
  resources[kIntraIngressId] = intra_ingress();
  resources[kSshIngressId] = ssh_ingress(spec);
  json outputs;
  outputs["SecurityGroupId"] = {{"Description", "the cluster's node security group"},
                                {"Value", group_id()}};
  // Logical id = nodename (alphanumeric by validation), as the original's status lines show.
  // No per-instance outputs: a template may have only 200, and the Name tags find them anyway.
  for (const auto& i : expand(spec)) resources[i.nodename] = instance(spec, i);
  t["Resources"] = resources;
  t["Outputs"] = outputs;
  return t;
}

std::string template_body(const Spec& spec) { return build_template(spec).dump(2) + "\n"; }

}  // namespace dust::cluster
