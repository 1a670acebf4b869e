// Tests for assign's node naming, checked by resolving the result back.
#include "cluster/assign.h"

#include <gtest/gtest.h>

#include "cluster/resolve.h"

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

TEST(Assign, NamesFromNameTagsElseNodeIndex) {
  Nodes sel = {inst("i-a", "master", "k"), inst("i-b", "", "k"), inst("i-c", "worker0", "k")};
  ClusterFile c =
      assign_cluster("k1", "us-east-1", "tags=aws:cloudformation:stack-name:k", sel, "ec2-user");
  EXPECT_EQ(c.name, "k1");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.filter, "tags=aws:cloudformation:stack-name:k");
  ASSERT_EQ(c.nodes.size(), 3u);
  EXPECT_EQ(c.nodes[0].nodename, "master");
  EXPECT_EQ(c.nodes[0].selector, "tags=name:master");
  EXPECT_EQ(c.nodes[1].nodename, "node1");
  EXPECT_EQ(c.nodes[1].selector, "id=i-b");
  EXPECT_EQ(c.nodes[2].selector, "tags=name:worker0");
  for (const auto& n : c.nodes) EXPECT_EQ(n.ssh.username, "ec2-user");
  // What assign writes resolves back to exactly the instances it was made from.
  Resolution r = resolve(c, sel);
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.nodes[1].id, "i-b");
  EXPECT_EQ(r.nodes[1].name, "node1");
  EXPECT_TRUE(r.strays.empty());
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Assign, DuplicateAndOddNamesGetIdSelectorsAndUniqueNames) {
  Nodes sel = {inst("i-1", "web", ""),    inst("i-2", "web", ""), inst("i-3", "web-1", ""),
               inst("i-4", "my box", ""), inst("i-5", "", ""),    inst("i-6", "node4", "")};
  ClusterFile c = assign_cluster("w", "r", "", sel, "");
  ASSERT_EQ(c.nodes.size(), 6u);
  EXPECT_EQ(c.nodes[0].nodename, "web-2");  // web-1 is a real Name: not taken from it
  EXPECT_EQ(c.nodes[0].selector, "id=i-1");
  EXPECT_EQ(c.nodes[1].nodename, "web-3");
  EXPECT_EQ(c.nodes[1].selector, "id=i-2");
  EXPECT_EQ(c.nodes[2].nodename, "web-1");
  EXPECT_EQ(c.nodes[2].selector, "tags=name:web-1");
  EXPECT_EQ(c.nodes[3].nodename, "node3");
  EXPECT_EQ(c.nodes[3].selector, "id=i-4");
  EXPECT_EQ(c.nodes[4].nodename, "node4-1");  // node4 is a real Name
  EXPECT_EQ(c.nodes[5].nodename, "node4");
  EXPECT_EQ(c.nodes[0].ssh.username, "");
  Resolution r = resolve(c, sel);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_TRUE(r.strays.empty());
  for (size_t i = 0; i < sel.size(); ++i) EXPECT_EQ(r.nodes[i].id, sel[i].id);
}

TEST(Assign, ANameSharedWithAnInstanceOutsideTheClusterGetsAnIdSelector) {
  // The filter also selects a terminated twin and another cluster's "db": tags=name:web would
  // match two instances when the file is read back, so web keeps its name with an id selector.
  Nodes pool = {inst("i-1", "web", ""), inst("i-2", "web", "", "terminated"), inst("i-3", "db", ""),
                inst("i-4", "db", ""), inst("i-5", "cache", "")};
  Nodes sel = {pool[0], pool[2], pool[4]};
  ClusterFile c = assign_cluster("w", "r", "*", sel, "", &pool);
  ASSERT_EQ(c.nodes.size(), 3u);
  EXPECT_EQ(c.nodes[0].nodename, "web");
  EXPECT_EQ(c.nodes[0].selector, "id=i-1");
  EXPECT_EQ(c.nodes[1].nodename, "db");
  EXPECT_EQ(c.nodes[1].selector, "id=i-3");
  EXPECT_EQ(c.nodes[2].selector, "tags=name:cache");
  Resolution r = resolve(c, pool);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.nodes[0].id, "i-1");
  EXPECT_EQ(r.nodes[1].id, "i-3");
}

TEST(Assign, TheFilterIsTheTargetUnlessItSelectsAnotherClustersNodes) {
  Nodes sel = {inst("i-1", "web", ""), inst("i-7", "", "")};
  EXPECT_EQ(assign_filter("web*", sel, false), "web*");
  EXPECT_EQ(assign_filter("web*", sel, true), "id=i-1,id=i-7");
  // The id filter selects exactly those instances, whatever else the region holds.
  Nodes region = {sel[0], inst("i-2", "web", "other"), sel[1]};
  ClusterFile c = assign_cluster("w", "r", assign_filter("web*", sel, true), sel, "", &sel);
  Resolution r = resolve(c, region);
  EXPECT_TRUE(r.strays.empty());
  EXPECT_TRUE(r.warnings.empty());
  ASSERT_EQ(r.nodes.size(), 2u);
  EXPECT_EQ(r.nodes[0].id, "i-1");
}

}  // namespace
}  // namespace dust::cluster
