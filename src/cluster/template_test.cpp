// Tests for the CloudFormation template's structure.
#include "cluster/template.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "dust_source_dir.h"

namespace dust::cluster {
namespace {

using json = nlohmann::ordered_json;

const std::string kData = std::string(DUST_SOURCE_DIR) + "/tests/data";

const json kGroupId = {{"Fn::GetAtt", {"ClusterSecurityGroup", "GroupId"}}};

std::vector<std::string> of_type(const json& t, const std::string& type) {
  std::vector<std::string> ids;
  for (const auto& [id, r] : t["Resources"].items())
    if (r["Type"] == type) ids.push_back(id);
  return ids;
}

TEST(Template, SampleHasGroupIngressesAndOneInstancePerNode) {
  Spec s = read_spec(kData + "/sample1.yaml");
  json t = build_template(s);
  EXPECT_EQ(t["AWSTemplateFormatVersion"], "2010-09-09");
  EXPECT_EQ(t["Resources"].size(), 6u);
  EXPECT_EQ(of_type(t, "AWS::EC2::SecurityGroup"),
            std::vector<std::string>{"ClusterSecurityGroup"});
  EXPECT_EQ(of_type(t, "AWS::EC2::SecurityGroupIngress"),
            (std::vector<std::string>{"ClusterIngressIntra", "ClusterIngressSsh"}));
  EXPECT_EQ(of_type(t, "AWS::EC2::Instance"),
            (std::vector<std::string>{"master", "worker0", "worker1"}));

  const json& sg = t["Resources"]["ClusterSecurityGroup"]["Properties"];
  EXPECT_FALSE(sg.contains("VpcId"));
  EXPECT_TRUE(sg["GroupDescription"].is_string());

  const json& intra = t["Resources"]["ClusterIngressIntra"]["Properties"];
  EXPECT_EQ(intra["GroupId"], kGroupId);
  EXPECT_EQ(intra["SourceSecurityGroupId"], kGroupId);
  EXPECT_EQ(intra["IpProtocol"], "-1");

  const json& ssh = t["Resources"]["ClusterIngressSsh"]["Properties"];
  EXPECT_EQ(ssh["GroupId"], kGroupId);
  EXPECT_EQ(ssh["IpProtocol"], "tcp");
  EXPECT_EQ(ssh["FromPort"], 22);
  EXPECT_EQ(ssh["ToPort"], 22);
  EXPECT_EQ(ssh["CidrIp"], "0.0.0.0/0");

  const json& w1 = t["Resources"]["worker1"]["Properties"];
  EXPECT_EQ(w1["ImageId"], "ami-760aaa0f");
  EXPECT_EQ(w1["InstanceType"], "t2.nano");
  EXPECT_EQ(w1["KeyName"], "YourKeyName");
  EXPECT_EQ(w1["SecurityGroupIds"], json::array({kGroupId}));
  EXPECT_FALSE(w1.contains("SubnetId"));
  EXPECT_EQ(w1["Tags"], json::parse(R"([{"Key": "Name", "Value": "worker1"}])"));
}

// moto and AWS both need the group named by id: no Ref to the security group anywhere.
TEST(Template, NeverRefersToTheGroupByRef) {
  std::string body = template_body(read_spec(kData + "/sample1.yaml"));
  EXPECT_EQ(body.find("\"Ref\""), std::string::npos);
  EXPECT_EQ(json::parse(body), build_template(read_spec(kData + "/sample1.yaml")));
}

TEST(Template, VpcSubnetKeyAndCidr) {
  Spec s = parse_spec(R"(cloud: {provider: ec2, region: us-east-1}
cluster: {name: net, vpc_id: vpc-0abc, subnet_id: subnet-0def, key: ck, ssh_cidr: 10.231.0.0/16}
nodes:
- {image: ami-1, instance_type: t3.micro, nodename: a, username: u}
- {image: ami-2, instance_type: t3.small, nodename: b, username: u, key: bk}
)",
                      "net.yaml");
  json t = build_template(s);
  EXPECT_EQ(t["Resources"]["ClusterSecurityGroup"]["Properties"]["VpcId"], "vpc-0abc");
  EXPECT_EQ(t["Resources"]["ClusterIngressSsh"]["Properties"]["CidrIp"], "10.231.0.0/16");
  EXPECT_EQ(t["Resources"]["a"]["Properties"]["SubnetId"], "subnet-0def");
  EXPECT_EQ(t["Resources"]["a"]["Properties"]["KeyName"], "ck");
  EXPECT_EQ(t["Resources"]["b"]["Properties"]["KeyName"], "bk");
  EXPECT_EQ(t["Resources"]["b"]["Properties"]["InstanceType"], "t3.small");
}

TEST(Template, NoKeyMeansNoKeyName) {
  Spec s = parse_spec(R"(cloud: {provider: ec2, region: us-east-1}
cluster: {name: nokey}
nodes:
- {image: ami-1, instance_type: t3.micro, nodename: w, username: u, count: 5}
)",
                      "nokey.yaml");
  json t = build_template(s);
  auto ids = of_type(t, "AWS::EC2::Instance");
  ASSERT_EQ(ids.size(), 5u);
  std::set<std::string> names;
  for (const auto& id : ids) {
    EXPECT_FALSE(t["Resources"][id]["Properties"].contains("KeyName"));
    names.insert(t["Resources"][id]["Properties"]["Tags"][0]["Value"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"w0", "w1", "w2", "w3", "w4"}));
  // CloudFormation requires alphanumeric logical ids.
  for (const auto& [id, r] : t["Resources"].items())
    for (char c : id) EXPECT_TRUE(isalnum(static_cast<unsigned char>(c))) << id;
}

}  // namespace
}  // namespace dust::cluster
