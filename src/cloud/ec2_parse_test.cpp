// EC2 response parsing on sample documents shaped like AWS's (and moto's) replies.
#include "cloud/ec2_parse.h"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdio>

namespace dust::cloud::ec2_parse {
namespace {

const char* kInstance = R"(<item>
  <instanceId>i-0123456789abcdef0</instanceId>
  <imageId>ami-12c6146b</imageId>
  <instanceState><code>16</code><name>running</name></instanceState>
  <privateDnsName>ip-10-0-1-5.ec2.internal</privateDnsName>
  <dnsName>ec2-54-1-2-3.compute-1.amazonaws.com</dnsName>
  <reason/>
  <keyName>mykey</keyName>
  <amiLaunchIndex>0</amiLaunchIndex>
  <productCodes/>
  <instanceType>t2.nano</instanceType>
  <launchTime>2024-05-01T10:00:00.000Z</launchTime>
  <placement><availabilityZone>us-east-1a</availabilityZone><groupName/><tenancy>default</tenancy></placement>
  <monitoring><state>disabled</state></monitoring>
  <subnetId>subnet-11</subnetId>
  <vpcId>vpc-22</vpcId>
  <privateIpAddress>10.0.1.5</privateIpAddress>
  <ipAddress>54.1.2.3</ipAddress>
  <sourceDestCheck>true</sourceDestCheck>
  <groupSet>
    <item><groupId>sg-aa</groupId><groupName>default</groupName></item>
    <item><groupId>sg-bb</groupId><groupName>web</groupName></item>
  </groupSet>
  <architecture>x86_64</architecture>
  <rootDeviceType>ebs</rootDeviceType>
  <blockDeviceMapping><item><deviceName>/dev/sda1</deviceName><ebs><volumeId>vol-1</volumeId></ebs></item></blockDeviceMapping>
  <networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><privateIpAddress>10.9.9.9</privateIpAddress>
    <groupSet><item><groupId>sg-eni</groupId></item></groupSet></item></networkInterfaceSet>
  <tagSet>
    <item><key>env</key><value>prod</value></item>
    <item><key>name</key><value>worker1</value></item>
    <item><key>aws:cloudformation:stack-name</key><value>nano1</value></item>
  </tagSet>
</item>)";

pugi::xml_document load(const std::string& xml) {
  pugi::xml_document d;
  EXPECT_TRUE(d.load_string(xml.c_str()));
  return d;
}

TEST(Ec2Parse, InstanceFillsEveryField) {
  auto d = load(kInstance);
  Node n = instance(d.document_element());
  EXPECT_EQ(n.id, "i-0123456789abcdef0");
  EXPECT_EQ(n.name, "worker1");  // from the lower-case "name" tag key
  EXPECT_EQ(n.state, "running");
  EXPECT_EQ(n.instance_type, "t2.nano");
  EXPECT_EQ(n.image, "ami-12c6146b");
  EXPECT_EQ(n.key_name, "mykey");
  EXPECT_EQ(n.public_ip, "54.1.2.3");
  EXPECT_EQ(n.private_ip, "10.0.1.5");  // the instance's, not the network interface's
  EXPECT_EQ(n.public_dns, "ec2-54-1-2-3.compute-1.amazonaws.com");
  EXPECT_EQ(n.private_dns, "ip-10-0-1-5.ec2.internal");
  EXPECT_EQ(n.vpc, "vpc-22");
  EXPECT_EQ(n.subnet, "subnet-11");
  EXPECT_EQ(n.az, "us-east-1a");
  EXPECT_EQ(n.launch_time, "2024-05-01T10:00:00.000Z");
  EXPECT_EQ(n.groups, (std::vector<std::string>{"sg-aa", "sg-bb"}));
  ASSERT_EQ(n.tags.size(), 3u);
  EXPECT_EQ(n.tags[0], (std::pair<std::string, std::string>{"env", "prod"}));
  EXPECT_EQ(n.tags[2],
            (std::pair<std::string, std::string>{"aws:cloudformation:stack-name", "nano1"}));
}

TEST(Ec2Parse, MissingOptionalFieldsStayEmpty) {
  auto d = load(
      "<item><instanceId>i-1</instanceId><instanceState><name>stopped</name></instanceState>"
      "<dnsName/><tagSet><item><key>Other</key><value>x</value></item></tagSet></item>");
  Node n = instance(d.document_element());
  EXPECT_EQ(n.id, "i-1");
  EXPECT_EQ(n.state, "stopped");
  EXPECT_EQ(n.name, "");
  EXPECT_EQ(n.public_ip, "");
  EXPECT_EQ(n.public_dns, "");
  EXPECT_TRUE(n.groups.empty());
}

std::string page(int reservations, int per_reservation, const std::string& token) {
  std::string xml =
      "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      "<requestId>r</requestId><reservationSet>";
  for (int r = 0; r < reservations; ++r) {
    xml += "<item><reservationId>r-" + std::to_string(r) +
           "</reservationId><ownerId>1</ownerId><groupSet/><instancesSet>";
    for (int i = 0; i < per_reservation; ++i) xml += kInstance;
    xml += "</instancesSet></item>";
  }
  xml += "</reservationSet>";
  if (!token.empty()) xml += "<nextToken>" + token + "</nextToken>";
  return xml + "</DescribeInstancesResponse>";
}

TEST(Ec2Parse, PagesAppendAndReturnToken) {
  Nodes nodes;
  auto p1 = load(page(2, 3, "tok-2"));
  EXPECT_EQ(instances(p1.document_element(), &nodes), "tok-2");
  EXPECT_EQ(nodes.size(), 6u);
  auto p2 = load(page(1, 1, ""));
  EXPECT_EQ(instances(p2.document_element(), &nodes), "");
  EXPECT_EQ(nodes.size(), 7u);
  auto empty = load("<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>");
  EXPECT_EQ(instances(empty.document_element(), &nodes), "");
  EXPECT_EQ(nodes.size(), 7u);
}

// An instance as moto 5 returns it (whitespace-free, every field AWS has): the realistic size, ~3
// KB.
const char* kMotoInstance =
    "<item><architecture>x86_64</architecture><blockDeviceMapping><item><deviceName>/dev/sda1</"
    "deviceName><ebs>"
    "<attachTime>2026-11-25T12:09:50.000Z</attachTime><deleteOnTermination>true</"
    "deleteOnTermination><status>"
    "attached</status><volumeId>vol-30d8be2d606ee1686</volumeId></ebs></item></"
    "blockDeviceMapping><clientToken>"
    "011666e1-b8ac-4674-9dcf-a57abaf7ded9</clientToken><ebsOptimized>false</"
    "ebsOptimized><hypervisor>xen"
    "</hypervisor><networkInterfaceSet><item><association><ipOwnerId>123456789012</"
    "ipOwnerId><publicDnsName>"
    "ip-54-214-108-42.ec2.internal</publicDnsName><publicIp>54.214.108.42</publicIp></"
    "association><attachment>"
    "<attachTime>2026-11-25T12:09:50.000Z</attachTime><attachmentId>eni-attach-63af63c0fd497c63e</"
    "attachmentId>"
    "<deleteOnTermination>false</deleteOnTermination><deviceIndex>0</deviceIndex><status>attached</"
    "status>"
    "<networkCardIndex>0</networkCardIndex></attachment><description>Primary network "
    "interface</description>"
    "<groupSet><item><groupId>sg-bf50a97517daea972</groupId><groupName>default</groupName></item></"
    "groupSet>"
    "<ipv6AddressesSet/><macAddress>02:00:00:19:3c:0a</"
    "macAddress><networkInterfaceId>eni-17988a11cae301549"
    "</networkInterfaceId><ownerId>123456789012</"
    "ownerId><privateDnsName>ip-10-55-223-54.ec2.internal"
    "</privateDnsName><privateIpAddress>10.55.223.54</"
    "privateIpAddress><privateIpAddressesSet><item><association>"
    "<ipOwnerId>123456789012</ipOwnerId><publicDnsName>ip-54-214-108-42.ec2.internal</"
    "publicDnsName><publicIp>"
    "54.214.108.42</publicIp></association><primary>true</primary><privateIpAddress>10.55.223.54"
    "</privateIpAddress></item></privateIpAddressesSet><sourceDestCheck>true</"
    "sourceDestCheck><status>in-use"
    "</status><subnetId>subnet-7962e401d1275f454</subnetId><vpcId>vpc-8c65cefd58ed69d74</"
    "vpcId><interfaceType>"
    "interface</interfaceType></item></networkInterfaceSet><rootDeviceName>/dev/sda1</"
    "rootDeviceName>"
    "<rootDeviceType>ebs</rootDeviceType><groupSet/><sourceDestCheck>true</"
    "sourceDestCheck><sriovNetSupport>"
    "simple</sriovNetSupport><stateReason><code/><message/></stateReason><tagSet><item><key>Name</"
    "key><value>"
    "worker</value></item><item><key>env</key><value>bench</value></item></"
    "tagSet><virtualizationType>hvm"
    "</virtualizationType><hibernationOptions/><metadataOptions><state>applied</"
    "state><httpTokens>optional"
    "</httpTokens><httpPutResponseHopLimit>1</httpPutResponseHopLimit><httpEndpoint>enabled</"
    "httpEndpoint>"
    "<httpProtocolIpv6>disabled</httpProtocolIpv6><instanceMetadataTags>disabled</"
    "instanceMetadataTags>"
    "</metadataOptions><instanceId>i-4500d332648d7a383</instanceId><imageId>ami-12c6146b</imageId>"
    "<instanceState><code>16</code><name>running</name></instanceState><privateDnsName>"
    "ip-10-55-223-54.ec2.internal</"
    "privateDnsName><dnsName>ec2-54-214-108-42.compute-1.amazonaws.com</dnsName>"
    "<reason/><keyName>k</keyName><amiLaunchIndex>0</amiLaunchIndex><productCodes/"
    "><instanceType>t2.nano"
    "</instanceType><launchTime>2026-11-25T12:09:50.000Z</launchTime><placement><groupName/"
    "><tenancy>default"
    "</tenancy><availabilityZone>us-east-1a</availabilityZone></placement><platform>windows</"
    "platform>"
    "<monitoring><state>disabled</state></monitoring><subnetId>subnet-7962e401d1275f454</"
    "subnetId><vpcId>"
    "vpc-8c65cefd58ed69d74</vpcId><privateIpAddress>10.55.223.54</"
    "privateIpAddress><ipAddress>54.214.108.42"
    "</ipAddress></item>";

TEST(Ec2Parse, MotoShapedInstanceTakesGroupsFromInterfaces) {
  auto d = load(kMotoInstance);
  Node n = instance(d.document_element());
  EXPECT_EQ(n.id, "i-4500d332648d7a383");
  EXPECT_EQ(n.name, "worker");
  EXPECT_EQ(n.private_ip, "10.55.223.54");
  EXPECT_EQ(n.public_ip, "54.214.108.42");
  EXPECT_EQ(n.private_dns, "ip-10-55-223-54.ec2.internal");
  EXPECT_EQ(n.az, "us-east-1a");
  EXPECT_EQ(n.groups, (std::vector<std::string>{"sg-bf50a97517daea972"}));
}

// A 2,000-instance response (the `show` benchmark's size) parses completely. Its speed is measured
// by bench/show_bench.py, not here: timing assertions do not belong in unit tests.
TEST(Ec2Parse, TwoThousandInstances) {
  std::string xml = "<DescribeInstancesResponse><reservationSet><item><instancesSet>";
  for (int i = 0; i < 2000; ++i) xml += kMotoInstance;
  xml += "</instancesSet></item></reservationSet></DescribeInstancesResponse>";
  pugi::xml_document d;
  ASSERT_TRUE(d.load_buffer_inplace(xml.data(), xml.size()));
  Nodes nodes;
  instances(d.document_element(), &nodes);
  ASSERT_EQ(nodes.size(), 2000u);
  EXPECT_EQ(nodes[1999].name, "worker");
}

TEST(Ec2Parse, StateChanges) {
  auto d = load(
      "<TerminateInstancesResponse><requestId>x</requestId><instancesSet>"
      "<item><instanceId>i-1</instanceId><currentState><code>32</code><name>shutting-down</name>"
      "</currentState><previousState><code>16</code><name>running</name></previousState></item>"
      "<item><instanceId>i-2</instanceId><currentState><name>stopping</name></currentState>"
      "<previousState><name>stopped</name></previousState></item></instancesSet>"
      "</TerminateInstancesResponse>");
  auto c = state_changes(d.document_element());
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].id, "i-1");
  EXPECT_EQ(c[0].previous, "running");
  EXPECT_EQ(c[0].current, "shutting-down");
  EXPECT_EQ(c[1].id, "i-2");
  EXPECT_EQ(c[1].previous, "stopped");
}

TEST(Ec2Parse, Regions) {
  auto d = load(
      "<DescribeRegionsResponse><regionInfo>"
      "<item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</"
      "regionEndpoint></item>"
      "<item><regionName>us-east-1</regionName></item></regionInfo></DescribeRegionsResponse>");
  EXPECT_EQ(regions(d.document_element()), (std::vector<std::string>{"eu-west-1", "us-east-1"}));
}

TEST(Ec2Parse, SecurityGroupsWithIngressRules) {
  auto d = load(R"(<DescribeSecurityGroupsResponse><securityGroupInfo>
    <item><ownerId>1</ownerId><groupId>sg-1</groupId><groupName>cluster</groupName>
      <groupDescription>nodes</groupDescription><vpcId>vpc-9</vpcId>
      <ipPermissions>
        <item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>
          <groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item><item><cidrIp>10.0.0.0/8</cidrIp></item></ipRanges>
          <ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges></item>
        <item><ipProtocol>-1</ipProtocol><groups><item><userId>1</userId><groupId>sg-1</groupId></item></groups>
          <ipRanges/></item>
      </ipPermissions>
      <ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></ipPermissionsEgress>
    </item>
    <item><groupId>sg-2</groupId><groupName>empty</groupName><ipPermissions/></item>
  </securityGroupInfo><nextToken>more</nextToken></DescribeSecurityGroupsResponse>)");
  std::vector<SecurityGroup> groups;
  EXPECT_EQ(security_groups(d.document_element(), &groups), "more");
  ASSERT_EQ(groups.size(), 2u);
  const SecurityGroup& g = groups[0];
  EXPECT_EQ(g.id, "sg-1");
  EXPECT_EQ(g.name, "cluster");
  EXPECT_EQ(g.description, "nodes");
  EXPECT_EQ(g.vpc, "vpc-9");
  ASSERT_EQ(g.ingress.size(), 2u);  // egress rules are not ingress
  EXPECT_EQ(g.ingress[0].protocol, "tcp");
  EXPECT_EQ(g.ingress[0].from_port, 22);
  EXPECT_EQ(g.ingress[0].to_port, 22);
  EXPECT_EQ(g.ingress[0].cidrs, (std::vector<std::string>{"0.0.0.0/0", "10.0.0.0/8"}));
  EXPECT_EQ(g.ingress[0].ipv6_cidrs, (std::vector<std::string>{"::/0"}));
  EXPECT_EQ(g.ingress[1].protocol, "-1");
  EXPECT_EQ(g.ingress[1].from_port, -1);
  EXPECT_EQ(g.ingress[1].source_groups, (std::vector<std::string>{"sg-1"}));
  EXPECT_TRUE(groups[1].ingress.empty());
}

}  // namespace
}  // namespace dust::cloud::ec2_parse
