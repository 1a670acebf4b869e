// Named sets in targets (:failed, :ok): parsed like any term, matched by the instance ids the shell
// binds to them (the last command's outcome).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "select/target.h"

namespace dust::select {
namespace {

using ::testing::ElementsAre;

Nodes three() {
  Nodes n(3);
  n[0].name = "master", n[0].id = "i-a";
  n[1].name = "worker0", n[1].id = "i-b";
  n[2].name = "worker1", n[2].id = "i-c";
  return n;
}

std::vector<std::string> names_of(const Target& t, const Nodes& nodes) {
  std::vector<std::string> out;
  for (size_t i : select(t, nodes)) out.push_back(nodes[i].label());
  return out;
}

TEST(TargetSets, MatchTheBoundIdsAndCombineWithUnionsAndExclusions) {
  Nodes n = three();
  Target t;
  std::string err;
  ASSERT_TRUE(parse(":failed,!worker0", &t, &err)) << err;
  EXPECT_THAT(t.sets(), ElementsAre(std::pair<std::string, bool>("failed", true)));
  EXPECT_TRUE(names_of(t, n).empty());  // unbound: matches nothing
  t.bind("failed", {"i-b", "i-a"});
  EXPECT_THAT(names_of(t, n), ElementsAre("master"));

  ASSERT_TRUE(parse(":ok,worker0", &t, &err)) << err;
  t.bind("ok", {"i-c"});
  EXPECT_THAT(names_of(t, n), ElementsAre("worker0", "worker1"));

  // Only an exclusion: every node but the failed ones.
  ASSERT_TRUE(parse("!:failed", &t, &err)) << err;
  EXPECT_THAT(t.sets(), ElementsAre(std::pair<std::string, bool>("failed", false)));
  t.bind("failed", {"i-a", "i-x"});
  EXPECT_THAT(names_of(t, n), ElementsAre("worker0", "worker1"));
  EXPECT_FALSE(t.is_plain_name());
}

TEST(TargetSets, UnknownSetIsNamed) {
  Target t;
  std::string err;
  EXPECT_FALSE(parse(":failes", &t, &err));
  EXPECT_EQ(err, "unknown set ':failes' (known: :failed, :ok)");
  EXPECT_FALSE(parse("worker0,:", &t, &err));
  EXPECT_EQ(err, "unknown set ':' (known: :failed, :ok)");
}

}  // namespace
}  // namespace dust::select
