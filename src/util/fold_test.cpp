#include "util/fold.h"

#include <gtest/gtest.h>

namespace dust {
namespace {

TEST(Fold, Basic) {
  EXPECT_EQ(
      fold_names({"worker0", "worker1", "worker2", "worker3", "worker4", "worker7", "master"}),
      "master,worker[0-4,7]");
}

TEST(Fold, EmptyAndSingle) {
  EXPECT_EQ(fold_names({}), "");
  EXPECT_EQ(fold_names({""}), "");
  EXPECT_EQ(fold_names({"worker3"}), "worker3");
  EXPECT_EQ(fold_names({"master"}), "master");
  EXPECT_EQ(fold_names({"node01"}), "node01");
}

TEST(Fold, OrderOfInputDoesNotMatter) {
  EXPECT_EQ(fold_names({"worker7", "master", "worker2", "worker0", "worker1"}),
            "master,worker[0-2,7]");
  EXPECT_EQ(fold_names({"worker10", "worker9", "worker2"}), "worker[2,9-10]");
}

TEST(Fold, NumbersSortNumericallyNotLexically) {
  EXPECT_EQ(fold_names({"w1", "w10", "w2", "w11", "w3"}), "w[1-3,10-11]");
}

TEST(Fold, PaddingKept) {
  EXPECT_EQ(fold_names({"node01", "node02", "node03"}), "node[01-03]");
  EXPECT_EQ(fold_names({"node08", "node09", "node10", "node11"}), "node[08-11]");
  EXPECT_EQ(fold_names({"node001", "node002", "node010"}), "node[001-002,010]");
  EXPECT_EQ(fold_names({"node099", "node100"}), "node[099-100]");
  EXPECT_EQ(fold_names({"node9", "node10"}), "node[9-10]");
}

TEST(Fold, DifferentPaddingNotMerged) {
  EXPECT_EQ(fold_names({"node1", "node01"}), "node[1,01]");
  EXPECT_EQ(fold_names({"node1", "node02", "node3"}), "node[1,02,3]");
  EXPECT_EQ(fold_names({"node01", "node2"}), "node[01,2]");
}

TEST(Fold, NamesWithoutDigitsUnchanged) {
  EXPECT_EQ(fold_names({"web", "db", "master"}), "db,master,web");
  EXPECT_EQ(fold_names({"worker", "worker1", "worker2"}), "worker,worker[1-2]");
}

TEST(Fold, DuplicatesCollapsed) {
  EXPECT_EQ(fold_names({"worker1", "worker1", "worker2", "master", "master"}),
            "master,worker[1-2]");
  EXPECT_EQ(fold_names({"worker1", "worker1"}), "worker1");
}

TEST(Fold, SuffixAfterNumber) {
  EXPECT_EQ(fold_names({"web1-prod", "web2-prod", "web3-prod", "web1-dev"}),
            "web1-dev,web[1-3]-prod");
  EXPECT_EQ(fold_names({"rack1-n1", "rack1-n2", "rack2-n1"}), "rack1-n[1-2],rack2-n1");
}

TEST(Fold, SortedByPrefixThenNumber) {
  EXPECT_EQ(fold_names({"worker3", "kafka2", "db1", "kafka1", "zeta", "alpha"}),
            "alpha,db1,kafka[1-2],worker3,zeta");
}

TEST(Fold, InstanceIdsStayReadable) {
  EXPECT_EQ(fold_names({"i-0abc1234567890def", "master"}), "i-0abc1234567890def,master");
}

TEST(Fold, HugeNumbersLeftAlone) {
  std::string big = "n" + std::string(25, '9');
  EXPECT_EQ(fold_names({big, "n1"}), "n1," + big);
}

TEST(Fold, Zero) { EXPECT_EQ(fold_names({"w0", "w1", "w00"}), "w[0-1,00]"); }

}  // namespace
}  // namespace dust
