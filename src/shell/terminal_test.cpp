#include "shell/terminal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "shell/printer.h"
#include "util/error.h"
#include "util/event_loop.h"

namespace dust::shell {
namespace {

// stdin replaced by a pipe holding `input` (then EOF) for the lifetime of the object.
class FakeStdin {
 public:
  explicit FakeStdin(const std::string& input) {
    saved_ = dup(STDIN_FILENO);
    int p[2];
    EXPECT_EQ(pipe(p), 0);
    EXPECT_EQ(write(p[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
    close(p[1]);
    dup2(p[0], STDIN_FILENO);
    close(p[0]);
  }
  ~FakeStdin() {
    dup2(saved_, STDIN_FILENO);
    close(saved_);
  }

 private:
  int saved_;
};

struct TerminalTest : ::testing::Test {
  EventLoop loop;
  Printer out;
  Terminal term{loop, out, false, false};
};

TEST_F(TerminalTest, ConfirmReadsYesAndNo) {
  FakeStdin in(" Yes \nn\n");
  auto held = term.hold();
  EXPECT_TRUE(term.confirm("go"));
  EXPECT_FALSE(term.confirm("go"));
}

TEST_F(TerminalTest, AskTakesTheDefaultOnAnEmptyLine) {
  FakeStdin in("\n  alice \n");
  auto held = term.hold();
  EXPECT_EQ(term.ask("user", "root"), "root");
  EXPECT_EQ(term.ask("user", "root"), "alice");
}

TEST_F(TerminalTest, EofAtAskCancelsAndLaterQuestionsReadNothing) {
  FakeStdin in("");
  auto held = term.hold();
  EXPECT_THROW(term.ask("user", "root"), Error);  // no default accepted
  EXPECT_FALSE(term.confirm("write?"));
}

TEST_F(TerminalTest, ANewCommandAsksAfresh) {
  {
    FakeStdin in("");
    auto held = term.hold();
    EXPECT_FALSE(term.confirm("first?"));
  }
  FakeStdin more("y\n");
  auto held = term.hold();
  EXPECT_TRUE(term.confirm("next command?"));
}

TEST_F(TerminalTest, CancelledStaysForTheWholeCommand) {
  FakeStdin in("");
  auto held = term.hold();
  EXPECT_FALSE(term.confirm("first?"));
  FakeStdin more("y\n");
  EXPECT_FALSE(term.confirm("second?"));  // the typed line is left for the shell
  std::string line;
  EXPECT_TRUE(term.read_line(&line));
  EXPECT_EQ(line, "y");
}

TEST_F(TerminalTest, HoldsNest) {
  EXPECT_FALSE(term.held());
  {
    auto a = term.hold();
    {
      auto b = term.hold();
      EXPECT_TRUE(term.held());
    }
    EXPECT_TRUE(term.held());
  }
  EXPECT_FALSE(term.held());
}

TEST_F(TerminalTest, AssumeYesAnswersWithoutReading) {
  Terminal yes(loop, out, false, true);
  FakeStdin in("");
  EXPECT_TRUE(yes.confirm("go"));
  EXPECT_EQ(yes.ask("user", "root"), "root");
}

}  // namespace
}  // namespace dust::shell
