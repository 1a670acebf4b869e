#include "shell/node_table.h"

#include <gtest/gtest.h>

namespace dust::shell {
namespace {

Node make(std::string name, std::string id, std::string state = "running") {
  Node n;
  n.name = std::move(name);
  n.id = std::move(id);
  n.state = std::move(state);
  n.instance_type = "t2.nano";
  n.private_ip = "10.0.0.1";
  return n;
}

TEST(NodeTable, HeaderAndRows) {
  Node a = make("master", "i-1");
  std::string t = render_table({{"", {&a}}}, false);
  EXPECT_EQ(t.rfind("Name         Instance     State        ID         ext_IP          int_IP", 0),
            0u)
      << t;
  EXPECT_NE(t.find("master       t2.nano      running      i-1"), std::string::npos) << t;
}

TEST(NodeTable, LongIdsWidenTheirColumn) {
  Node a = make("x", "i-0123456789abcdef0");
  std::string t = render_table({{"", {&a}}}, false);
  EXPECT_NE(t.find("i-0123456789abcdef0 "), std::string::npos) << t;
}

TEST(NodeTable, DuplicateNamesAreDisambiguatedNotMerged) {
  Node a = make("web", "i-1"), b = make("web", "i-2"), c = make("db", "i-3");
  auto names = display_names({&a, &b, &c});
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "web(i-1)");
  EXPECT_EQ(names[1], "web(i-2)");
  EXPECT_EQ(names[2], "db");
}

TEST(NodeTable, NamesSharedInTheWholeSetAreDisambiguatedInASubset) {
  Nodes all = {make("web", "i-1"), make("web", "i-2"), make("db", "i-3"), make("", "i-4")};
  auto names = display_names({&all[1], &all[2], &all[3]}, &all);
  EXPECT_EQ(names, (std::vector<std::string>{"web(i-2)", "db", ""}));
  EXPECT_EQ(display_names({&all[1]}), (std::vector<std::string>{"web"}));  // alone in its own list
}

TEST(NodeTable, ANodeOutsideTheWorkingSetCarriesItsId) {
  // A cluster's stray named like a cluster node: its name alone would target the other node.
  Nodes working = {make("web", "i-1"), make("db", "i-2")};
  Node stray = make("web", "i-9"), lone = make("cache", "i-8");
  EXPECT_EQ(display_names({&stray, &lone}, &working),
            (std::vector<std::string>{"web(i-9)", "cache(i-8)"}));
}

TEST(NodeTable, EveryGroupFollowsOneRule) {
  // Two "web"s in different groups (clusters): each carries its id in the table, as in prefixes.
  Node a = make("web", "i-1"), b = make("web", "i-2"), c = make("db", "i-3");
  std::string t = render_table({{"Unassigned:", {&a, &c}}, {"k1:", {&b}}}, false);
  EXPECT_NE(t.find("web(i-1) "), std::string::npos) << t;
  EXPECT_NE(t.find("web(i-2) "), std::string::npos) << t;
  EXPECT_NE(t.find("\ndb "), std::string::npos) << t;
}

TEST(NodeTable, VerboseAddsDetails) {
  Node a = make("m", "i-1");
  a.image = "ami-1";
  a.tags = {{"Name", "m"}, {"env", "dev"}};
  std::string t = render_table({{"", {&a}}}, true);
  EXPECT_NE(t.find("image : ami-1"), std::string::npos) << t;
  EXPECT_NE(t.find("tags : Name=m,env=dev"), std::string::npos) << t;
  EXPECT_EQ(t.find("key :"), std::string::npos) << "empty values are left out";
}

TEST(NodeTable, OutsideTextIsShownEscaped) {
  // Name tags and tag values are anyone's with ec2:CreateTags (issue 20, item 3).
  Node a = make("evil\x1b]0;pwned\x07\x1b[2J", "i-1"),
       b = make("evil\x1b]0;pwned\x07\x1b[2J", "i-2");
  a.tags = {{"Name", a.name}, {"k\x1b[8m", "v\r\n"}};
  std::string t = render_table({{"", {&a, &b}}}, true, nullptr);
  EXPECT_EQ(t.find('\x1b'), std::string::npos) << t;
  EXPECT_EQ(t.find('\x07'), std::string::npos) << t;
  EXPECT_NE(t.find("evil\\x1b]0;pwned\\x07\\x1b[2J(i-1)"), std::string::npos) << t;
  EXPECT_NE(t.find("k\\x1b[8m=v\\x0d\\x0a"), std::string::npos) << t;
  EXPECT_EQ(display_names({&a}), std::vector<std::string>{"evil\\x1b]0;pwned\\x07\\x1b[2J"});
}

TEST(NodeTable, GroupTitles) {
  Node a = make("", "i-1"), b = make("master", "i-2");
  std::string t = render_table({{"Unassigned:", {&a}}, {"sample1:", {&b}}}, false);
  EXPECT_LT(t.find("Unassigned:"), t.find("sample1:"));
}

}  // namespace
}  // namespace dust::shell
