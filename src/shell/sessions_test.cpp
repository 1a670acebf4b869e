// Sessions: each node's last result is kept whether or not a job's observer took the event; labels
// of nodes outside the working set carry their id.
#include "shell/sessions.h"

#include <gtest/gtest.h>

#include <chrono>

#include "shell/context.h"

namespace dust::shell {
namespace {

ssh::Endpoint endpoint(const std::string& key, const std::string& label) {
  ssh::Endpoint e;
  e.key = key;
  e.node_label = label;
  return e;
}

TEST(Sessions, ALineTypedToAPasswordPromptIsNotRemembered) {
  Context ctx(Config{}, Mode::Script, false, false);
  Sessions& s = ctx.sessions();
  ssh::Endpoint a = endpoint("i-a", "worker0"), b = endpoint("i-b", "worker1");
  EXPECT_TRUE(s.may_remember("@worker0 hunter2"));
  s.pool().emit({ssh::NodeEvent::Kind::Partial, a, "Password: ", -1, "Password: "});
  EXPECT_TRUE(s.typing_secret({b, a}));
  EXPECT_FALSE(s.typing_secret({b}));
  EXPECT_FALSE(s.may_remember("@worker0 hunter2"));
  EXPECT_FALSE(s.may_remember("  @* hunter2"));
  EXPECT_TRUE(s.may_remember("show"));
  s.pool().emit({ssh::NodeEvent::Kind::Line, a, "", -1, ""});  // the prompt is answered
  EXPECT_TRUE(s.may_remember("@worker0 ls"));
  s.pool().emit({ssh::NodeEvent::Kind::Partial, a, "Continue? [Y/n] ", -1, "Continue? [Y/n] "});
  EXPECT_TRUE(s.may_remember("@worker0 Y"));
}

TEST(Sessions, LabelOutsideTheWorkingSetCarriesTheId) {
  Context ctx(Config{}, Mode::Script, false, false);
  Sessions& s = ctx.sessions();
  ASSERT_FALSE(ctx.have_nodes());  // no working set fetched: no EC2 call to print a line
  EXPECT_EQ(s.label(endpoint("i-a", "worker0")), "worker0(i-a)");
  EXPECT_EQ(s.label(endpoint("i-a", "web(i-a)")), "web(i-a)");
  EXPECT_EQ(s.label(endpoint("i-a", "i-a")), "i-a");
}

TEST(Sessions, AJobIsReportedOnceItEndsEvenWhenTheTimerSawItFirst) {
  Context ctx(Config{}, Mode::Script, false, false);
  Sessions& s = ctx.sessions();
  EXPECT_EQ(s.last_command(), nullptr);
  ssh::Endpoint refused = endpoint("i-r", "worker3");
  refused.host = "127.0.0.1";
  refused.port = 1;  // nothing listens: refused at once
  auto job = s.run({refused}, "true");
  s.track(job, {refused}, false);
  // Run the loop well past the job's end, so the report timer records it before finish() is called
  // (one-shot mode's wait returns only after its own tick).
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
  ctx.loop().run_until([&] { return std::chrono::steady_clock::now() > until; },
                       std::chrono::milliseconds(50));
  ASSERT_TRUE(job->done());
  ASSERT_NE(s.last_command(), nullptr);
  std::vector<Outcome> o = s.finish(*job);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_FALSE(o[0].ok);
  EXPECT_EQ(o[0].key, "i-r");
  EXPECT_EQ(o[0].why.rfind("cannot connect", 0), 0u) << o[0].why;
  EXPECT_EQ(summary_line(o).rfind("cannot connect", 0), 0u);
}

}  // namespace
}  // namespace dust::shell
