// Tests for resolving cluster files against a region's instances.
#include "cluster/resolve.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "util/error.h"

namespace dust::cluster {
namespace {

Node inst(const std::string& id, const std::string& name_tag, const std::string& stack,
          const std::string& state = "running") {
  Node n;
  n.id = id;
  n.state = state;
  n.name = name_tag;
  n.private_ip = "10.0.0." + id.substr(2);
  if (!name_tag.empty()) n.tags.push_back({"Name", name_tag});
  if (!stack.empty()) n.tags.push_back({"aws:cloudformation:stack-name", stack});
  return n;
}

ClusterFile sample() {
  return parse_cluster_file(R"(cloud: {provider: ec2, region: us-east-1}
cluster: {name: s1, filter: "tags=aws:cloudformation:stack-name:s1", username: ec2-user, keyfile: ~/k.pem}
nodes:
- {nodename: master, selector: "tags=name:master"}
- {nodename: worker0, selector: "tags=name:worker0", username: admin, port: 2201}
- {nodename: worker1, selector: "tags=name:worker1", address: private, proxy_jump: gw}
)",
                            "s1.yaml");
}

TEST(Resolve, NamesNodesAndCarriesSshSettings) {
  setenv("HOME", "/home/t", 1);
  Nodes region = {inst("i-1", "worker1", "s1"), inst("i-2", "master", "s1"),
                  inst("i-3", "worker0", "s1"), inst("i-4", "master", "other")};
  Resolution r = resolve(sample(), region);
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_TRUE(r.strays.empty());
  // File order; the other stack's master is outside the filter.
  EXPECT_EQ(r.nodes[0].name, "master");
  EXPECT_EQ(r.nodes[0].id, "i-2");
  EXPECT_EQ(r.nodes[0].state, "running");
  EXPECT_EQ(r.nodes[0].private_ip, "10.0.0.2");
  EXPECT_EQ(r.nodes[0].cluster, "s1");
  EXPECT_EQ(r.nodes[0].username, "ec2-user");
  EXPECT_EQ(r.nodes[0].keyfile, "/home/t/k.pem");
  EXPECT_EQ(r.nodes[0].port, 0);
  EXPECT_EQ(r.nodes[1].id, "i-3");
  EXPECT_EQ(r.nodes[1].username, "admin");
  EXPECT_EQ(r.nodes[1].port, 2201);
  EXPECT_EQ(r.nodes[2].id, "i-1");
  EXPECT_EQ(r.nodes[2].address, "private");
  EXPECT_EQ(r.nodes[2].proxy_jump, "gw");
  EXPECT_EQ(r.nodes[2].username, "ec2-user");
  // The instance's own data is kept.
  ASSERT_EQ(r.nodes[2].tags.size(), 2u);
}

TEST(Resolve, MissingInstanceIsAbsentAndUnlistedAreStrays) {
  Nodes region = {inst("i-2", "master", "s1"), inst("i-9", "extra", "s1"), inst("i-8", "", "s1"),
                  inst("i-7", "nostack", "")};
  Resolution r = resolve(sample(), region);
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.nodes[0].id, "i-2");
  EXPECT_EQ(r.nodes[1].name, "worker0");
  EXPECT_EQ(r.nodes[1].id, "");
  EXPECT_EQ(r.nodes[1].state, "absent");
  EXPECT_EQ(r.nodes[1].cluster, "s1");
  EXPECT_EQ(r.nodes[1].username, "admin");  // still known how to reach it once it exists
  EXPECT_EQ(r.nodes[2].state, "absent");
  ASSERT_EQ(r.strays.size(), 2u);
  EXPECT_EQ(r.strays[0].id, "i-9");
  EXPECT_EQ(r.strays[0].name, "extra");
  EXPECT_EQ(r.strays[0].cluster, "");
  EXPECT_EQ(r.strays[1].id, "i-8");
}

TEST(Resolve, DuplicateMatchesAreAllKeptAndWarned) {
  Nodes region = {inst("i-2", "master", "s1"), inst("i-5", "master", "s1", "terminated")};
  Resolution r = resolve(sample(), region);
  ASSERT_EQ(r.nodes.size(), 4u);
  EXPECT_EQ(r.nodes[0].id, "i-2");
  EXPECT_EQ(r.nodes[1].id, "i-5");
  EXPECT_EQ(r.nodes[1].name, "master");
  EXPECT_EQ(r.nodes[1].state, "terminated");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "s1.yaml:4: selector 'tags=name:master' of master matches 2 instances (i-2, i-5)");
}

TEST(Resolve, AnInstanceBelongsToOneFileNodeOnly) {
  ClusterFile c = parse_cluster_file(R"(cloud: {region: r}
cluster: {name: c}
nodes:
- {nodename: a, selector: "id=i-1"}
- {nodename: b, selector: "tags=name:web"}
- {nodename: a, selector: "id=i-3"}
)",
                                     "c.yaml");
  Nodes region = {inst("i-1", "web", ""), inst("i-2", "db", ""), inst("i-3", "x", "")};
  Resolution r = resolve(c, region);  // empty filter: the whole region is the pool
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.nodes[0].id, "i-1");
  EXPECT_EQ(r.nodes[1].name, "b");
  EXPECT_EQ(r.nodes[1].state, "absent");
  EXPECT_EQ(r.nodes[2].id, "i-3");
  ASSERT_EQ(r.strays.size(), 1u);
  EXPECT_EQ(r.strays[0].id, "i-2");
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_EQ(r.warnings[0], "c.yaml:5: i-1 (b) also matches the selector of a; kept as a");
  EXPECT_EQ(r.warnings[1], "c.yaml:6: node name 'a' is used more than once in cluster c");
}

TEST(Resolve, BadSelectorWarnsBadFilterThrows) {
  ClusterFile c = sample();
  c.nodes[0].selector = "tags=nocolon";
  Resolution r = resolve(c, {inst("i-2", "master", "s1")});
  EXPECT_EQ(r.nodes[0].state, "absent");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].rfind("s1.yaml:4: selector of master: ", 0), 0u) << r.warnings[0];
  ASSERT_EQ(r.strays.size(), 1u);

  c.filter = "bogus=1";
  try {
    resolve(c, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("s1.yaml: cluster.filter: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace dust::cluster
