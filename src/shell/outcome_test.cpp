// Outcomes, the folded summary line, error reasons and binding :failed/:ok.
#include "shell/outcome.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "shell/result_sets.h"
#include "util/error.h"

namespace dust::shell {
namespace {

Outcome ok(const std::string& label) { return {"i-" + label, label, true, ""}; }
Outcome bad(const std::string& label, const std::string& why) {
  return {"i-" + label, label, false, why};
}

TEST(Outcome, FromPoolResults) {
  Outcome o;
  ASSERT_TRUE(outcome_of(true, 0, "", &o));
  EXPECT_TRUE(o.ok);
  ASSERT_TRUE(outcome_of(true, 2, "", &o));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.why, "exit 2");
  ASSERT_TRUE(outcome_of(true, -1, "cannot connect to 10.1.2.3: Connection refused", &o));
  EXPECT_EQ(o.why, "cannot connect (Connection refused)");
  ASSERT_TRUE(outcome_of(false, -1, "", &o));
  EXPECT_EQ(o.why, "did not finish");
  // Its line became input to a later line's command: that later job reports the node.
  EXPECT_FALSE(outcome_of(true, -1, "", &o));
}

TEST(Outcome, ErrorReasonsDropHostAndPerNodeDetail) {
  EXPECT_EQ(error_reason("cannot connect to 10.0.0.7: Connection refused"),
            "cannot connect (Connection refused)");
  EXPECT_EQ(error_reason("cannot connect to 10.0.0.7: Failed to connect: No route to host"),
            "cannot connect (No route to host)");
  EXPECT_EQ(error_reason("authentication failed for ubuntu@10.0.0.7 (tried key files starting "
                         "with /k.pem, then no ssh-agent (none running))"),
            "authentication failed (user ubuntu)");
  EXPECT_EQ(error_reason("HOST KEY CHANGED — refusing to connect. The server now offers x"),
            "HOST KEY CHANGED (refused; see the debug log)");
  EXPECT_EQ(error_reason("connection timed out after 10 s"), "connection timed out after 10 s");
}

TEST(Outcome, SummaryLineGroupsByOutcomeExitCodesFirst) {
  EXPECT_EQ(summary_line({}), "");
  EXPECT_EQ(summary_line({ok("a"), ok("b")}), "");
  EXPECT_EQ(summary_line({bad("worker1", "exit 1"), ok("w9"), bad("master", "exit 2"),
                          bad("worker0", "exit 1"), ok("x"), ok("y")}),
            "exit 1: worker[0-1]   exit 2: master   (3 ok)");
  EXPECT_EQ(summary_line({bad("db", "cannot connect (Connection refused)"), bad("w", "exit 10"),
                          bad("v", "exit 9")}),
            "exit 9: v   exit 10: w   cannot connect (Connection refused): db");
  std::vector<Outcome> many;
  for (int i = 1; i <= 500; ++i)
    many.push_back(bad(fmt::format("node{:03}", i), i == 7 ? "exit 3" : "exit 1"));
  EXPECT_EQ(summary_line(many), "exit 1: node[001-006,008-500]   exit 3: node007");
}

TEST(ResultSets, BindOrNameWhyEmpty) {
  std::vector<Outcome> last{bad("worker1", "exit 1"), ok("worker0")};
  select::Target t;
  std::string err;
  ASSERT_TRUE(select::parse(":failed,!worker3", &t, &err));
  bind_result_sets(t, &last);
  Node w1, w0;
  w1.name = "worker1", w1.id = "i-worker1";
  w0.name = "worker0", w0.id = "i-worker0";
  EXPECT_TRUE(t.matches(w1));
  EXPECT_FALSE(t.matches(w0));

  std::vector<Outcome> all_ok{ok("worker0")};
  ASSERT_TRUE(select::parse(":failed", &t, &err));
  try {
    bind_result_sets(t, &all_ok);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "no node failed in the last command");
  }
  ASSERT_TRUE(select::parse(":ok", &t, &err));
  std::vector<Outcome> all_failed{bad("a", "exit 1")};
  EXPECT_THROW(bind_result_sets(t, &all_failed), Error);
  ASSERT_TRUE(select::parse(":ok", &t, &err));
  try {
    bind_result_sets(t, nullptr);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("none has run yet"), std::string::npos) << e.what();
  }
  // Excluding an empty set is fine: every node.
  ASSERT_TRUE(select::parse("!:failed", &t, &err));
  bind_result_sets(t, &all_ok);
  EXPECT_TRUE(t.matches(w0));
}

}  // namespace
}  // namespace dust::shell
