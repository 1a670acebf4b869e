#include "select/target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace dust::select {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Node make(std::string name, std::string id, std::string state, std::string ip, std::string int_ip,
          std::vector<std::pair<std::string, std::string>> tags) {
  Node n;
  n.name = std::move(name);
  n.id = std::move(id);
  n.state = std::move(state);
  n.public_ip = std::move(ip);
  n.private_ip = std::move(int_ip);
  n.tags = std::move(tags);
  n.instance_type = "t3.micro";
  n.image = "ami-0123456789abcdef0";
  n.key_name = "dev-key";
  n.public_dns = n.public_ip.empty() ? "" : "ec2-" + n.public_ip + ".compute-1.amazonaws.com";
  n.private_dns = "ip-" + n.private_ip + ".ec2.internal";
  n.vpc = "vpc-11111111";
  n.subnet = "subnet-22222222";
  n.az = "us-east-1a";
  n.launch_time = "2024-05-01T10:00:00.000Z";
  return n;
}

// Six instances like the original's tests: master + 2 workers in stack nano1 (public 1.2.x.x),
// two kafka nodes in stack kafka1, one unnamed stopped node.
Nodes six() {
  const std::string stack = "aws:cloudformation:stack-name";
  Nodes n;
  n.push_back(make("master", "i-0000000000000000a", "running", "1.2.3.4", "10.0.0.10",
                   {{"Name", "master"}, {stack, "nano1"}, {"env", "dev"}}));
  n.push_back(make("worker0", "i-0000000000000000b", "running", "1.2.3.5", "10.0.0.11",
                   {{"Name", "worker0"}, {stack, "nano1"}, {"env", "dev"}}));
  n.push_back(make("worker1", "i-0000000000000000c", "stopped", "1.2.3.6", "10.0.0.12",
                   {{"Name", "worker1"}, {stack, "nano1"}, {"env", "prod"}}));
  n.push_back(make("kafka01", "i-0000000000000000d", "running", "5.6.7.8", "10.0.1.20",
                   {{"name", "kafka01"}, {stack, "kafka1"}, {"role", ""}}));
  n.push_back(make("kafka02", "i-0000000000000000e", "pending", "5.6.7.9", "10.0.1.21",
                   {{"Name", "kafka02"}, {stack, "kafka1"}, {"my:key", "v:1"}}));
  n.push_back(make("", "i-0abc1234567890def", "stopped", "", "10.0.2.30", {{"env", "Dev"}}));
  n[3].cluster = "kafka";
  n[4].cluster = "kafka";
  n[3].username = "ubuntu";
  n[5].instance_type = "m5.large";
  return n;
}

// Selects from `nodes`, returning labels; fails the test on a parse error.
std::vector<std::string> pick(const std::string& target, const Nodes& nodes) {
  Target t;
  std::string err;
  EXPECT_TRUE(parse(target, &t, &err)) << target << ": " << err;
  std::vector<std::string> out;
  for (size_t i : select(t, nodes)) out.push_back(nodes[i].label());
  return out;
}

std::vector<std::string> pick(const std::string& target) { return pick(target, six()); }

// Parses a malformed target; returns the error text (empty if it parsed).
std::string error_of(const std::string& target) {
  Target t;
  std::string err;
  EXPECT_FALSE(parse(target, &t, &err)) << target << " should not parse";
  EXPECT_FALSE(err.empty()) << target;
  return err;
}

Nodes named(std::vector<std::string> names) {
  Nodes n;
  for (auto& s : names) {
    Node x;
    x.name = s;
    x.id = "i-" + s;
    n.push_back(x);
  }
  return n;
}

Nodes workers(int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) names.push_back("worker" + std::to_string(i));
  return named(names);
}

// ---- the original's cases ----

TEST(Target, OriginalCases) {
  EXPECT_EQ(pick("").size(), 6u);
  EXPECT_EQ(pick("worker*").size(), 2u);
  EXPECT_EQ(pick("ip=1.2.*").size(), 3u);
  EXPECT_EQ(pick("tags=*stack-name:nano1").size(), 3u);
}

// ---- all ----

TEST(Target, EmptyAndStarAreAll) {
  for (const char* s : {"", "*", "  ", " * "}) {
    Target t;
    std::string err;
    ASSERT_TRUE(parse(s, &t, &err)) << s;
    EXPECT_TRUE(t.all()) << s;
    EXPECT_EQ(select(t, six()).size(), 6u) << s;
  }
  Target def;
  EXPECT_TRUE(def.all());
  EXPECT_TRUE(def.matches(six()[0]));
}

TEST(Target, AllFlag) {
  Target t;
  std::string err;
  ASSERT_TRUE(parse("master,*", &t, &err));
  EXPECT_TRUE(t.all());
  ASSERT_TRUE(parse("*,!master", &t, &err));
  EXPECT_FALSE(t.all());
  ASSERT_TRUE(parse("worker*", &t, &err));
  EXPECT_FALSE(t.all());
  EXPECT_EQ(t.text(), "worker*");
}

TEST(Target, SelectKeepsInventoryOrderWithoutDuplicates) {
  Target t;
  std::string err;
  ASSERT_TRUE(parse("worker1,master,worker*,w*,master", &t, &err));
  EXPECT_THAT(select(t, six()), ElementsAre(0u, 1u, 2u));
}

// ---- name globs ----

TEST(Target, NameGlobs) {
  EXPECT_THAT(pick("master"), ElementsAre("master"));
  EXPECT_THAT(pick("worker*"), ElementsAre("worker0", "worker1"));
  EXPECT_THAT(pick("w?r*"), ElementsAre("worker0", "worker1"));
  EXPECT_THAT(pick("*0*"), ElementsAre("worker0", "kafka01", "kafka02", "i-0abc1234567890def"));
  EXPECT_THAT(pick("*1"), ElementsAre("worker1", "kafka01"));
  EXPECT_THAT(pick("kafka0?"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("?aster"), ElementsAre("master"));
  EXPECT_THAT(pick("**ster"), ElementsAre("master"));
}

TEST(Target, NameGlobsAreFullStringAndCaseSensitive) {
  EXPECT_TRUE(pick("worker").empty());
  EXPECT_TRUE(pick("orker*").empty());
  EXPECT_TRUE(pick("aster").empty());
  EXPECT_TRUE(pick("Master").empty());
  EXPECT_TRUE(pick("WORKER*").empty());
  EXPECT_TRUE(pick("master?").empty());
}

TEST(Target, UnnamedNodeMatchedByItsId) {
  EXPECT_THAT(pick("i-0abc*"), ElementsAre("i-0abc1234567890def"));
  EXPECT_THAT(pick("i-0abc1234567890def"), ElementsAre("i-0abc1234567890def"));
  // A glob over ids does not reach named nodes (their ids are not their names)...
  EXPECT_THAT(pick("i-*"), ElementsAre("i-0abc1234567890def"));
  // ...but an exact id does, so duplicates can be told apart.
  EXPECT_THAT(pick("i-0000000000000000b"), ElementsAre("worker0"));
}

TEST(Target, EscapedGlobCharsAreLiteral) {
  Nodes n = named({"a*b", "axb", "a?b", "a[1]"});
  EXPECT_THAT(pick("a\\*b", n), ElementsAre("a*b"));
  EXPECT_THAT(pick("a*b", n), ElementsAre("a*b", "axb", "a?b"));
  EXPECT_THAT(pick("a\\?b", n), ElementsAre("a?b"));
  EXPECT_THAT(pick("a\\[1\\]", n), ElementsAre("a[1]"));
}

TEST(Target, PlainName) {
  Target t;
  std::string err;
  ASSERT_TRUE(parse("worker0", &t, &err));
  EXPECT_TRUE(t.is_plain_name());
  for (const char* s : {"worker*", "w?", "worker[0-1]", "state=running", "a,b", "!a", "*", "",
                        "tags=a:b", "a,!b"}) {
    ASSERT_TRUE(parse(s, &t, &err)) << s;
    EXPECT_FALSE(t.is_plain_name()) << s;
  }
}

// ---- numeric ranges ----

TEST(Target, RangeIsNumericNotCharacterClass) {
  Nodes n = workers(30);
  auto r = pick("worker[0-20]", n);
  ASSERT_EQ(r.size(), 21u);
  EXPECT_EQ(r.front(), "worker0");
  EXPECT_EQ(r.back(), "worker20");
  EXPECT_EQ(std::count(r.begin(), r.end(), "worker2"), 1);
  EXPECT_EQ(std::count(r.begin(), r.end(), "worker21"), 0);
}

TEST(Target, RangeLists) {
  Nodes n = workers(12);
  EXPECT_THAT(pick("worker[1,3,5-7]", n),
              ElementsAre("worker1", "worker3", "worker5", "worker6", "worker7"));
  EXPECT_THAT(pick("worker[4-5]", n), ElementsAre("worker4", "worker5"));
  EXPECT_THAT(pick("worker[10]", n), ElementsAre("worker10"));
  EXPECT_THAT(pick("worker[1]", n), ElementsAre("worker1"));
  EXPECT_THAT(pick("worker[0-10/5]", n), ElementsAre("worker0", "worker5", "worker10"));
  EXPECT_THAT(pick("worker[7-7]", n), ElementsAre("worker7"));
  EXPECT_TRUE(pick("worker[50-60]", n).empty());
}

TEST(Target, RangePaddingKept) {
  Nodes n =
      named({"node1", "node01", "node02", "node09", "node10", "node11", "node001", "node100"});
  EXPECT_THAT(pick("node[01-10]", n), ElementsAre("node01", "node02", "node09", "node10"));
  EXPECT_THAT(pick("node[1-10]", n), ElementsAre("node1", "node10"));
  EXPECT_THAT(pick("node[001-100]", n), ElementsAre("node001", "node100"));
  EXPECT_THAT(pick("node[01,1]", n), ElementsAre("node1", "node01"));
  // Padding is a minimum width: a padded range still matches wider numbers in it.
  EXPECT_THAT(pick("node[08-11]", n), ElementsAre("node09", "node10", "node11"));
}

TEST(Target, RangeWithSuffixAndGlobs) {
  Nodes n = named({"worker1", "worker2", "worker3", "worker12", "worker03", "w-3", "web1-prod",
                   "web2-prod", "web2-dev", "web12-prod", "db1a", "db12a"});
  EXPECT_THAT(pick("w*[1-3]", n), ElementsAre("worker1", "worker2", "worker3", "w-3"));
  EXPECT_THAT(pick("web[1-2]-prod", n), ElementsAre("web1-prod", "web2-prod"));
  EXPECT_THAT(pick("web[1-2]-*", n), ElementsAre("web1-prod", "web2-prod", "web2-dev"));
  EXPECT_THAT(pick("web[1-20]*", n),
              ElementsAre("web1-prod", "web2-prod", "web2-dev", "web12-prod"));
  EXPECT_THAT(pick("db[1-5]?", n), ElementsAre("db1a"));
  EXPECT_THAT(pick("db[1-20]?", n), ElementsAre("db1a", "db12a"));
  EXPECT_THAT(pick("worker[1-3]*", n), ElementsAre("worker1", "worker2", "worker3"));
  EXPECT_THAT(pick("worker1[0-5]", n), ElementsAre("worker12"));
}

TEST(Target, TwoRanges) {
  Nodes n = named({"r1-n1", "r1-n2", "r2-n1", "r3-n3", "r10-n1"});
  EXPECT_THAT(pick("r[1-2]-n[1-2]", n), ElementsAre("r1-n1", "r1-n2", "r2-n1"));
  EXPECT_THAT(pick("r[1,10]-n1", n), ElementsAre("r1-n1", "r10-n1"));
}

TEST(Target, CommaInsideBracketsBelongsToRange) {
  Nodes n = workers(8);
  n.push_back(six()[0]);
  EXPECT_THAT(pick("master,worker[0-2,6]", n),
              ElementsAre("worker0", "worker1", "worker2", "worker6", "master"));
  EXPECT_THAT(pick("worker[1,3],worker[5,7]", n),
              ElementsAre("worker1", "worker3", "worker5", "worker7"));
}

TEST(Target, ManyStarsStayFast) {
  Nodes n = named({std::string(200, 'a')});
  EXPECT_TRUE(pick("*a*a*a*a*a*a*a*a*a*a*a*b", n).empty());
  EXPECT_EQ(pick("*a*a*a*a*a*a*a*a*a*a*a*", n).size(), 1u);
}

// ---- key=value ----

TEST(Target, PropertyFilters) {
  EXPECT_THAT(pick("state=running"), ElementsAre("master", "worker0", "kafka01"));
  EXPECT_THAT(pick("state=stop*"), ElementsAre("worker1", "i-0abc1234567890def"));
  EXPECT_THAT(pick("state=*ing"), ElementsAre("master", "worker0", "kafka01", "kafka02"));
  EXPECT_THAT(pick("id=i-0abc*"), ElementsAre("i-0abc1234567890def"));
  EXPECT_THAT(pick("name=worker*"), ElementsAre("worker0", "worker1"));
  EXPECT_THAT(pick("name="), ElementsAre("i-0abc1234567890def"));
  EXPECT_THAT(pick("type=m5.*"), ElementsAre("i-0abc1234567890def"));
  EXPECT_THAT(pick("instance_type=m5.large"), ElementsAre("i-0abc1234567890def"));
  EXPECT_EQ(pick("image=ami-0123*").size(), 6u);
  EXPECT_EQ(pick("key=dev-key").size(), 6u);
  EXPECT_EQ(pick("key_name=dev-*").size(), 6u);
  EXPECT_THAT(pick("ip=5.6.7.?"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("ext_ip=1.2.3.4"), ElementsAre("master"));
  EXPECT_THAT(pick("public_ip=1.2.3.4"), ElementsAre("master"));
  EXPECT_THAT(pick("ip="), ElementsAre("i-0abc1234567890def"));
  EXPECT_THAT(pick("int_ip=10.0.1.*"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("private_ip=10.0.2.30"), ElementsAre("i-0abc1234567890def"));
  EXPECT_THAT(pick("dns=ec2-1.2.3.4.*"), ElementsAre("master"));
  EXPECT_THAT(pick("public_dns=ec2-5.*"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("private_dns=ip-10.0.2.*"), ElementsAre("i-0abc1234567890def"));
  EXPECT_EQ(pick("vpc=vpc-1*").size(), 6u);
  EXPECT_EQ(pick("subnet=subnet-22222222").size(), 6u);
  EXPECT_EQ(pick("az=us-east-1?").size(), 6u);
  EXPECT_EQ(pick("launch_time=2024-05-*").size(), 6u);
  EXPECT_THAT(pick("cluster=kafka"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("cluster="), ElementsAre("master", "worker0", "worker1", "i-0abc1234567890def"));
  EXPECT_THAT(pick("username=ubuntu"), ElementsAre("kafka01"));
}

TEST(Target, PropertyKeysAreCaseInsensitiveValuesAreNot) {
  EXPECT_THAT(pick("State=running"), ElementsAre("master", "worker0", "kafka01"));
  EXPECT_TRUE(pick("state=RUNNING").empty());
}

TEST(Target, PropertyValueWithRange) {
  EXPECT_THAT(pick("ip=1.2.3.[4-5]"), ElementsAre("master", "worker0"));
  EXPECT_THAT(pick("name=kafka[01-02]"), ElementsAre("kafka01", "kafka02"));
}

TEST(Target, PropertyValueQuoted) {
  EXPECT_THAT(pick("state=\"running\""), ElementsAre("master", "worker0", "kafka01"));
  EXPECT_THAT(pick("state='stopped'"), ElementsAre("worker1", "i-0abc1234567890def"));
}

TEST(Target, PropertyAccessor) {
  Node n = six()[0];
  std::string v;
  EXPECT_TRUE(property(n, "state", &v));
  EXPECT_EQ(v, "running");
  EXPECT_TRUE(property(n, "ip", &v));
  EXPECT_EQ(v, "1.2.3.4");
  EXPECT_TRUE(property(n, "ext_ip", &v));
  EXPECT_EQ(v, "1.2.3.4");
  EXPECT_TRUE(property(n, "int_ip", &v));
  EXPECT_EQ(v, "10.0.0.10");
  EXPECT_TRUE(property(n, "type", &v));
  EXPECT_EQ(v, "t3.micro");
  EXPECT_TRUE(property(n, "key", &v));
  EXPECT_EQ(v, "dev-key");
  EXPECT_TRUE(property(n, "dns", &v));
  EXPECT_EQ(v, "ec2-1.2.3.4.compute-1.amazonaws.com");
  EXPECT_TRUE(property(n, "NAME", &v));
  EXPECT_EQ(v, "master");
  v = "unchanged";
  EXPECT_FALSE(property(n, "bogus", &v));
  EXPECT_EQ(v, "unchanged");
}

TEST(Target, PropertyKeysListEveryKeyAndAlias) {
  const auto& k = property_keys();
  for (const char* key :
       {"state",      "id",          "name",       "type",        "instance_type", "image",
        "key",        "key_name",    "ip",         "ext_ip",      "public_ip",     "int_ip",
        "private_ip", "dns",         "public_dns", "private_dns", "vpc",           "subnet",
        "az",         "launch_time", "cluster",    "username",    "tags"})
    EXPECT_NE(std::find(k.begin(), k.end(), key), k.end()) << key;
  // Every listed key except tags works with property().
  Node n;
  std::string v;
  for (const auto& key : k) {
    if (key != "tags") {
      EXPECT_TRUE(property(n, key, &v)) << key;
    }
  }
}

// ---- tags ----

TEST(Target, Tags) {
  EXPECT_THAT(pick("tags=env:dev"), ElementsAre("master", "worker0"));
  EXPECT_THAT(pick("tags=env:prod"), ElementsAre("worker1"));
  EXPECT_THAT(pick("tags=env:*"),
              ElementsAre("master", "worker0", "worker1", "i-0abc1234567890def"));
  EXPECT_THAT(pick("tags=env:?ev"), ElementsAre("master", "worker0", "i-0abc1234567890def"));
  EXPECT_THAT(pick("tag=env:prod"), ElementsAre("worker1"));
}

TEST(Target, TagKeyCaseInsensitiveValueCaseSensitive) {
  EXPECT_THAT(pick("tags=name:master"), ElementsAre("master"));
  EXPECT_THAT(pick("tags=NAME:kafka*"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("tags=Env:Dev"), ElementsAre("i-0abc1234567890def"));
  EXPECT_TRUE(pick("tags=name:MASTER").empty());
}

TEST(Target, TagSplitAtLastColon) {
  EXPECT_THAT(pick("tags=aws:cloudformation:stack-name:kafka1"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("tags=*cloudformation*stack-name:kafka1"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("tags=aws:*:nano?"), ElementsAre("master", "worker0", "worker1"));
  EXPECT_THAT(pick("tags=*:nano1"), ElementsAre("master", "worker0", "worker1"));
}

TEST(Target, TagQuotedKey) {
  EXPECT_THAT(pick("tags=\"my:key\":v:1"),
              ElementsAre("kafka02"));  // a quoted key ends at its quote
  EXPECT_THAT(pick("tags=\"my:*\":*"), ElementsAre("kafka02"));
  EXPECT_THAT(pick("tags=\"my:key\":\"v:1\""), ElementsAre("kafka02"));
  EXPECT_THAT(pick("tags='my:key':'v:1'"), ElementsAre("kafka02"));
  EXPECT_THAT(pick("tags='my:key':v*"), ElementsAre("kafka02"));
  EXPECT_THAT(pick("tags=\"aws:cloudformation:stack-name\":nano1"),
              ElementsAre("master", "worker0", "worker1"));
}

TEST(Target, TagEmptyValue) {
  EXPECT_THAT(pick("tags=role:"), ElementsAre("kafka01"));
  EXPECT_TRUE(pick("tags=env:").empty());
}

TEST(Target, TagWithMissingKeyMatchesNothing) { EXPECT_TRUE(pick("tags=owner:*").empty()); }

// ---- unions and exclusion ----

TEST(Target, Unions) {
  EXPECT_THAT(pick("master,worker1"), ElementsAre("master", "worker1"));
  EXPECT_THAT(pick("state=pending,tags=env:prod"), ElementsAre("worker1", "kafka02"));
  EXPECT_THAT(pick("kafka*,i-0abc*"), ElementsAre("kafka01", "kafka02", "i-0abc1234567890def"));
  EXPECT_THAT(pick("master,nosuch"), ElementsAre("master"));
}

TEST(Target, Exclusion) {
  EXPECT_THAT(pick("worker*,!worker1"), ElementsAre("worker0"));
  EXPECT_THAT(pick("!worker1"),
              ElementsAre("master", "worker0", "kafka01", "kafka02", "i-0abc1234567890def"));
  EXPECT_THAT(pick("!state=running"), ElementsAre("worker1", "kafka02", "i-0abc1234567890def"));
  EXPECT_THAT(pick("!worker*,!kafka*"), ElementsAre("master", "i-0abc1234567890def"));
  EXPECT_THAT(pick("*,!tags=env:*"), ElementsAre("kafka01", "kafka02"));
  EXPECT_THAT(pick("!worker0,worker*"), ElementsAre("worker1"));  // order does not matter
  EXPECT_TRUE(pick("master,!master").empty());
}

TEST(Target, ExclusionWithRange) {
  Nodes n = workers(6);
  EXPECT_THAT(pick("worker[0-5],!worker[2-3]", n),
              ElementsAre("worker0", "worker1", "worker4", "worker5"));
}

// ---- malformed: every error names its problem ----

TEST(TargetErrors, BackwardsRange) {
  std::string e = error_of("worker[5-2]");
  EXPECT_THAT(e, HasSubstr("5-2"));
  EXPECT_THAT(e, HasSubstr("backwards"));
}

TEST(TargetErrors, NonNumericRange) {
  std::string e = error_of("worker[a-b]");
  EXPECT_THAT(e, HasSubstr("a-b"));
  EXPECT_THAT(e, HasSubstr("not a number"));
  EXPECT_THAT(error_of("worker[abc]"), HasSubstr("not a number"));
  EXPECT_THAT(error_of("worker[1-]"), HasSubstr("not a number"));
  EXPECT_THAT(error_of("worker[-3]"), HasSubstr("not a number"));
  EXPECT_THAT(error_of("worker[1-2-3]"), HasSubstr("not a number"));
  EXPECT_THAT(error_of("worker[99999999999999999999]"), HasSubstr("not a number"));
}

TEST(TargetErrors, BracketsUnbalanced) {
  EXPECT_THAT(error_of("worker[1-3"), HasSubstr("unclosed '['"));
  EXPECT_THAT(error_of("worker[1-3,master"), HasSubstr("unclosed '['"));
  EXPECT_THAT(error_of("worker1-3]"), HasSubstr("unmatched ']'"));
  EXPECT_THAT(error_of("worker[[1-3]]"), HasSubstr("nested '['"));
  EXPECT_THAT(error_of("name=w[1"), HasSubstr("unclosed '['"));
}

TEST(TargetErrors, EmptyRangeOrElement) {
  EXPECT_THAT(error_of("worker[]"), HasSubstr("empty range"));
  EXPECT_THAT(error_of("worker[1,,3]"), HasSubstr("empty element"));
  EXPECT_THAT(error_of("worker[1,]"), HasSubstr("empty element"));
}

TEST(TargetErrors, BadPaddingOrStep) {
  EXPECT_THAT(error_of("node[1-010]"), HasSubstr("padding"));
  EXPECT_THAT(error_of("node[01-0010]"), HasSubstr("padding"));
  EXPECT_THAT(error_of("node[0-10/0]"), HasSubstr("step"));
  EXPECT_THAT(error_of("node[0-10/x]"), HasSubstr("step"));
  EXPECT_THAT(error_of("node[5/2]"), HasSubstr("step"));
}

TEST(TargetErrors, TagsWithoutColon) {
  std::string e = error_of("tags=env");
  EXPECT_THAT(e, HasSubstr("tags=env"));
  EXPECT_THAT(e, HasSubstr("key:value"));
}

TEST(TargetErrors, TagsEmptyKey) {
  EXPECT_THAT(error_of("tags=:x"), HasSubstr("empty tag key"));
  EXPECT_THAT(error_of("tags=\"\":x"), HasSubstr("empty tag key"));
  EXPECT_THAT(error_of("tags="), HasSubstr("key:value"));
}

TEST(TargetErrors, TwoEquals) {
  std::string e = error_of("a=b=c");
  EXPECT_THAT(e, HasSubstr("more than one '='"));
  EXPECT_THAT(e, HasSubstr("a=b=c"));
  EXPECT_THAT(error_of("state=run=ning"), HasSubstr("more than one '='"));
}

TEST(TargetErrors, UnknownKeyListsKeys) {
  std::string e = error_of("color=red");
  EXPECT_THAT(e, HasSubstr("unknown key 'color'"));
  for (const char* k :
       {"state", "id", "name", "type", "image", "key", "ip", "int_ip", "dns", "private_dns", "vpc",
        "subnet", "az", "launch_time", "cluster", "username", "tags"})
    EXPECT_THAT(e, HasSubstr(k));
}

TEST(TargetErrors, MissingKey) { EXPECT_THAT(error_of("=running"), HasSubstr("missing key")); }

TEST(TargetErrors, EmptyTerms) {
  EXPECT_THAT(error_of("master,"), HasSubstr("empty term"));
  EXPECT_THAT(error_of(",master"), HasSubstr("empty term"));
  EXPECT_THAT(error_of("master,,worker0"), HasSubstr("empty term"));
  EXPECT_THAT(error_of("!"), HasSubstr("'!' needs a term"));
  EXPECT_THAT(error_of("master,!"), HasSubstr("'!' needs a term"));
}

TEST(TargetErrors, QuotedTagKeyWithoutColon) {
  EXPECT_THAT(error_of("tags=\"my:key\""), HasSubstr("expected ':' after the quoted tag key"));
  EXPECT_THAT(error_of("tags='my:key'x:v"), HasSubstr("expected ':' after the quoted tag key"));
}

TEST(TargetErrors, UnclosedQuote) {
  EXPECT_THAT(error_of("tags=\"my:key:v"), HasSubstr("unclosed quote"));
  EXPECT_THAT(error_of("state='run"), HasSubstr("unclosed quote"));
}

TEST(TargetErrors, ErrorInLaterTermIsReported) {
  EXPECT_THAT(error_of("master,worker[3-1]"), HasSubstr("3-1"));
  EXPECT_THAT(error_of("master,!tags=env"), HasSubstr("key:value"));
}

TEST(TargetErrors, FailedParseLeavesTargetUntouched) {
  Target t;
  std::string err;
  ASSERT_TRUE(parse("master", &t, &err));
  EXPECT_FALSE(parse("worker[5-2]", &t, &err));
  EXPECT_EQ(t.text(), "master");
  EXPECT_THAT(select(t, six()), ElementsAre(0u));
}

// ---- the label dust prints for duplicates, web(i-…), is a target ----

Nodes two_webs() {
  Nodes n = named({"web", "web", "db"});
  n[0].id = "i-0aaa111";
  n[1].id = "i-0bbb222";
  return n;
}

std::vector<std::string> ids(const std::string& target, const Nodes& nodes) {
  Target t;
  std::string err;
  EXPECT_TRUE(parse(target, &t, &err)) << target << ": " << err;
  std::vector<std::string> out;
  for (size_t i : select(t, nodes)) out.push_back(nodes[i].id);
  return out;
}

TEST(Target, DisplayedLabelSelectsThatInstance) {
  EXPECT_THAT(ids("web(i-0bbb222)", two_webs()), ElementsAre("i-0bbb222"));
  EXPECT_THAT(ids("web(i-0aaa111)", two_webs()), ElementsAre("i-0aaa111"));
  EXPECT_THAT(ids("web", two_webs()), ElementsAre("i-0aaa111", "i-0bbb222"));
  // Inside unions and exclusions, and quoted as a shell would pass it.
  EXPECT_THAT(ids("db,web(i-0aaa111)", two_webs()), ElementsAre("i-0aaa111", "i-db"));
  EXPECT_THAT(ids("web,!web(i-0aaa111)", two_webs()), ElementsAre("i-0bbb222"));
  EXPECT_THAT(ids("'web(i-0bbb222)'", two_webs()), ElementsAre("i-0bbb222"));
  // The name must agree with the id: db(i-0aaa111) is nobody.
  EXPECT_TRUE(ids("db(i-0aaa111)", two_webs()).empty());
  EXPECT_TRUE(ids("web(i-0ccc333)", two_webs()).empty());
  // A glob name part still works with the id.
  EXPECT_THAT(ids("w*(i-0bbb222)", two_webs()), ElementsAre("i-0bbb222"));
}

TEST(Target, DisplayedLabelIsPlainName) {
  Target t;
  std::string err;
  ASSERT_TRUE(parse("web(i-0aaa111)", &t, &err)) << err;
  EXPECT_TRUE(t.is_plain_name());
}

TEST(Target, ParenthesesThatAreNotALabelStayLiteral) {
  Nodes n = named({"a(b)", "(i-x)"});
  EXPECT_THAT(ids("a(b)", n), ElementsAre("i-a(b)"));
  EXPECT_THAT(ids("(i-x)", n), ElementsAre("i-(i-x)"));
}

}  // namespace
}  // namespace dust::select
