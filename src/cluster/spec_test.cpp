// Tests for `load` specs: the seed's sample, each validation error (file, line, key), expansion.
#include "cluster/spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dust_source_dir.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace dust::cluster {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(DUST_SOURCE_DIR) + "/tests/data";

std::string error_of(const std::string& text, const std::string& file = "s.yaml") {
  try {
    parse_spec(text, file);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kHead = "cloud: {provider: ec2, region: us-east-1}\n";

TEST(Spec, ReadsTheSeedSample) {
  Spec s = read_spec(kData + "/sample1.yaml");
  EXPECT_EQ(s.path, kData + "/sample1.yaml");
  EXPECT_EQ(s.provider, "ec2");
  EXPECT_EQ(s.region, "us-east-1");
  EXPECT_EQ(s.name, "sample1");
  EXPECT_EQ(s.key, "");
  EXPECT_EQ(s.vpc_id, "");
  EXPECT_EQ(s.ssh_cidr, "0.0.0.0/0");
  EXPECT_TRUE(s.ssh_cidr_defaulted);
  ASSERT_EQ(s.nodes.size(), 2u);
  EXPECT_EQ(s.nodes[0].nodename, "master");
  EXPECT_EQ(s.nodes[0].count, 1);
  EXPECT_EQ(s.nodes[0].key, "YourKeyName");
  EXPECT_EQ(s.nodes[1].nodename, "worker");
  EXPECT_EQ(s.nodes[1].count, 2);
  EXPECT_EQ(s.nodes[1].image, "ami-760aaa0f");
  EXPECT_EQ(s.nodes[1].instance_type, "t2.nano");
  EXPECT_EQ(s.nodes[1].username, "ec2-user");
}

TEST(Spec, ExpandsCounts) {
  Spec s = read_spec(kData + "/sample1.yaml");
  auto inst = expand(s);
  ASSERT_EQ(inst.size(), 3u);
  EXPECT_EQ(inst[0].nodename, "master");
  EXPECT_EQ(inst[1].nodename, "worker0");
  EXPECT_EQ(inst[2].nodename, "worker1");
  EXPECT_EQ(inst[2].key, "YourKeyName");
  EXPECT_EQ(inst[2].username, "ec2-user");

  s = parse_spec(
      std::string(kHead) +
          "cluster: {name: c1, key: ck}\nnodes:\n"
          "- {image: ami-1, instance_type: m5.large, nodename: n, username: u, count: 12}\n"
          "- {image: ami-2, instance_type: t3.micro, nodename: solo, username: v, key: nk,"
          " count: 1}\n",
      "c1.yaml");
  inst = expand(s);
  ASSERT_EQ(inst.size(), 13u);
  EXPECT_EQ(inst[0].nodename, "n0");
  EXPECT_EQ(inst[11].nodename, "n11");
  EXPECT_EQ(inst[11].key, "ck");  // cluster key when the node has none
  EXPECT_EQ(inst[12].nodename, "solo");
  EXPECT_EQ(inst[12].key, "nk");
  EXPECT_EQ(inst[12].image, "ami-2");
}

TEST(Spec, OptionalClusterKeys) {
  Spec s = parse_spec(std::string(kHead) +
                          "cluster: {name: net-1, vpc_id: vpc-0abc, subnet_id: subnet-99,"
                          " ssh_cidr: 10.231.0.0/16}\nnodes:\n"
                          "- {image: ami-1, instance_type: t2.nano, nodename: a, username: u}\n",
                      "n.yaml");
  EXPECT_EQ(s.vpc_id, "vpc-0abc");
  EXPECT_EQ(s.subnet_id, "subnet-99");
  EXPECT_EQ(s.ssh_cidr, "10.231.0.0/16");
  EXPECT_FALSE(s.ssh_cidr_defaulted);
}

// Every file under tests/data/specs/ carries its expected message on its first line.
TEST(Spec, MalformedSamplesGiveTheirMessages) {
  int checked = 0;
  for (const auto& e : fs::directory_iterator(kData + "/specs")) {
    if (e.path().extension() != ".yaml") continue;
    std::string path = e.path().string();
    std::string text = util::read_file(path);
    const std::string tag = "# expect: ";
    ASSERT_EQ(text.rfind(tag, 0), 0u) << path << " lacks its '# expect:' line";
    std::string expected = text.substr(tag.size(), text.find('\n') - tag.size());
    expected.replace(expected.find("{file}"), 6, path);
    try {
      read_spec(path);
      ADD_FAILURE() << path << " was accepted";
    } catch (const Error& err) {
      EXPECT_EQ(err.what(), expected);
    }
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(Spec, MoreValidationErrors) {
  auto one = [](const std::string& node) {
    return std::string(kHead) + "cluster: {name: c}\nnodes:\n- {" + node + "}\n";
  };
  const std::string ok = "image: ami-1, instance_type: t2.nano, username: u, ";
  EXPECT_EQ(error_of(one(ok + "nodename: ClusterSecurityGroup")),
            "s.yaml:4: nodes[0].nodename: 'ClusterSecurityGroup' is reserved for the cluster's "
            "security group");
  EXPECT_EQ(error_of(one(ok + "nodename: a_b")),
            "s.yaml:4: nodes[0].nodename: 'a_b' must be alphanumeric (letters and digits only)");
  EXPECT_EQ(error_of(one(ok + "nodename: \"\"")),
            "s.yaml:4: nodes[0].nodename: '' must be alphanumeric (letters and digits only)");
  EXPECT_EQ(error_of(one(ok + "nodename: w, count: -1")),
            "s.yaml:4: nodes[0].count: must be at least 1, not -1");
  EXPECT_EQ(error_of(one(ok + "nodename: w, count: 498")),
            "s.yaml:4: nodes[0].count: at most 497 instances per cluster");
  EXPECT_EQ(error_of(one(ok + "nodename: w, count: 2.5")),
            "s.yaml:4: nodes[0].count: must be an integer, not '2.5'");
  EXPECT_EQ(error_of(one(ok + "nodename: w, key:")), "s.yaml:4: nodes[0].key: has no value");
  EXPECT_EQ(error_of(one("image: centos, instance_type: t2.nano, username: u, nodename: w")),
            "s.yaml:4: nodes[0].image: 'centos' is not an AMI id (ami-...)");
  EXPECT_EQ(error_of(one(ok + "nodename: [a, b]")),
            "s.yaml:4: nodes[0].nodename: must be a single value, not a list or mapping");
  EXPECT_EQ(error_of(std::string(kHead) + "cluster: {name: 1abc}\nnodes: []\n"),
            "s.yaml:2: cluster.name: '1abc' is not a valid stack name (a letter, then letters, "
            "digits or '-')");
  EXPECT_EQ(error_of(std::string(kHead) + "cluster: {name: c, subnet_id: subnet-1}\n"),
            "s.yaml:2: cluster.vpc_id: missing required key (vpc_id and subnet_id go together)");
  EXPECT_EQ(error_of(std::string(kHead) + "cluster: {name: c, vpc_id: v1, subnet_id: subnet-1}\n"),
            "s.yaml:2: cluster.vpc_id: 'v1' is not a VPC id (vpc-...)");
  EXPECT_EQ(error_of("cloud: {provider: gce, region: r}\n"),
            "s.yaml:1: cloud.provider: only 'ec2' is supported, not 'gce'");
  EXPECT_EQ(error_of("cloud: {region: r}\n"), "s.yaml:1: cloud.provider: missing required key");
  EXPECT_EQ(error_of(std::string(kHead) + "cluster: {name: c}\n"),
            "s.yaml:1: nodes: missing required key");
  EXPECT_EQ(error_of(std::string(kHead) + "cluster: {name: c}\nnodes:\n- just-a-string\n"),
            "s.yaml:4: nodes[0]: must be a mapping (key: value)");
  EXPECT_EQ(error_of(std::string(kHead) + "extra: 1\n"),
            "s.yaml:2: extra: unknown key (expected one of: cloud, cluster, nodes)");
  // The running total is checked too, not only each count.
  EXPECT_EQ(error_of(std::string(kHead) + "cluster: {name: c}\nnodes:\n- {" + ok +
                     "nodename: a, count: 400}\n- {" + ok + "nodename: b, count: 98}\n"),
            "s.yaml:5: nodes[1].count: the cluster has more than 497 instances (CloudFormation "
            "allows 500 resources)");
  // A count expansion colliding with a later plain name, and the other way round.
  EXPECT_EQ(error_of(std::string(kHead) + "cluster: {name: c}\nnodes:\n- {" + ok +
                     "nodename: w0}\n- {" + ok + "nodename: w, count: 3}\n"),
            "s.yaml:5: nodes[1].nodename: duplicate node name 'w0' (also on line 4)");
  EXPECT_EQ(error_of(std::string(kHead) + "cluster: {name: c}\nnodes:\n- {" + ok +
                     "nodename: m}\n- {" + ok + "nodename: m, count: 1}\n"),
            "s.yaml:5: nodes[1].nodename: duplicate node name 'm' (also on line 4)");
}

TEST(Spec, ClusterFileForALoadedStack) {
  ClusterFile c = cluster_file_for(read_spec(kData + "/sample1.yaml"));
  EXPECT_EQ(c.name, "sample1");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.filter, "tags=aws:cloudformation:stack-name:sample1");
  ASSERT_EQ(c.nodes.size(), 3u);
  EXPECT_EQ(c.nodes[1].nodename, "worker0");
  EXPECT_EQ(c.nodes[1].selector, "tags=name:worker0");
  EXPECT_EQ(c.nodes[1].ssh.username, "ec2-user");
  // What load saves must read back as it was.
  ClusterFile r = parse_cluster_file(to_yaml(c), "sample1.yaml");
  EXPECT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.nodes[2].selector, "tags=name:worker1");
}

TEST(Spec, StackNames) {
  EXPECT_TRUE(valid_stack_name("sample1"));
  EXPECT_TRUE(valid_stack_name("a-b-1"));
  EXPECT_FALSE(valid_stack_name("a_b"));
  EXPECT_FALSE(valid_stack_name("-a"));
  EXPECT_FALSE(valid_stack_name("1a"));
  EXPECT_FALSE(valid_stack_name(""));
}

}  // namespace
}  // namespace dust::cluster
