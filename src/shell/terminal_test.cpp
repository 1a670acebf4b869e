#include "shell/terminal.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "shell/client_io.h"
#include "shell/printer.h"
#include "util/error.h"
#include "util/event_loop.h"

namespace dust::shell {
namespace {

// The person at the client's terminal: answers from a list (then end of input), or no terminal.
class FakeClient : public ClientIo {
 public:
  explicit FakeClient(EventLoop& loop) : raw_(loop) {}
  void type(std::deque<std::string> a) { answers = std::move(a); }
  const Environment& env() const override { return env_; }
  const std::string& cwd() const override { return cwd_; }
  bool stdin_tty() const override { return false; }
  bool stderr_tty() const override { return false; }
  bool can_ask() const override { return terminal; }
  std::optional<std::string> ask(const std::string& question, bool secret) override {
    asked.push_back(question);
    last_secret = secret;
    if (answers.empty()) return std::nullopt;
    std::string a = answers.front();
    answers.pop_front();
    return a;
  }
  int run_local(const std::string&) override { return 0; }
  void change_directory(const std::string& dir) override { previous_ = std::exchange(cwd_, dir); }
  const std::string& previous_cwd() const override { return previous_; }
  std::string previous_;
  ssh::RawTerminal& raw_terminal() override { return raw_; }
  std::optional<std::string> stdin_data() override { return std::nullopt; }

  bool terminal = true;
  bool last_secret = false;
  std::deque<std::string> answers;
  std::vector<std::string> asked;

 private:
  Environment env_;
  std::string cwd_ = "/";
  ssh::LocalRawTerminal raw_;
};

struct TerminalTest : ::testing::Test {
  TerminalTest() { term.set_client(&client); }
  EventLoop loop;
  Printer out;
  StringSink sink;
  FakeClient client{loop};
  Terminal term{loop, out, false, false};
  void SetUp() override { out.set_sink(&sink); }
  void TearDown() override { out.set_sink(nullptr); }
};

TEST_F(TerminalTest, ConfirmReadsYesAndNo) {
  client.type({" Yes ", "n"});
  auto held = term.hold();
  EXPECT_TRUE(term.confirm("go"));
  EXPECT_FALSE(term.confirm("go"));
  ASSERT_EQ(client.asked.size(), 2u);
  EXPECT_EQ(client.asked[0], "go [y/N] ");
  EXPECT_EQ(sink.take(), "");  // the question went to the client's terminal, not to the output
}

TEST_F(TerminalTest, AskTakesTheDefaultOnAnEmptyLine) {
  client.type({"", "  alice "});
  auto held = term.hold();
  EXPECT_EQ(term.ask("user", "root"), "root");
  EXPECT_EQ(term.ask("user", "root"), "alice");
  EXPECT_EQ(client.asked[0], "user [root]: ");
}

TEST_F(TerminalTest, EofAtAskCancelsAndLaterQuestionsReadNothing) {
  auto held = term.hold();
  EXPECT_THROW(term.ask("name", "x"), Error);
  client.type({"y"});
  EXPECT_FALSE(term.confirm("write?"));
  EXPECT_EQ(client.answers.size(), 1u);  // not asked: the typed line is left alone
}

TEST_F(TerminalTest, ANewCommandAsksAfresh) {
  {
    auto held = term.hold();
    EXPECT_FALSE(term.confirm("first?"));
  }
  client.type({"y"});
  auto held = term.hold();
  EXPECT_TRUE(term.confirm("next command?"));
}

TEST_F(TerminalTest, NoTerminalAnswersNoAndSaysSo) {
  client.terminal = false;
  client.type({"y"});
  auto held = term.hold();
  EXPECT_FALSE(term.confirm("terminate worker2?"));
  EXPECT_TRUE(client.asked.empty());
  std::string said = sink.take();
  EXPECT_NE(said.find("terminate worker2? [y/N] no: no terminal"), std::string::npos) << said;
  EXPECT_THROW(term.ask("name", "x"), Error);
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
  yes.set_client(&client);
  EXPECT_TRUE(yes.confirm("go"));
  EXPECT_EQ(yes.ask("user", "root"), "root");
  EXPECT_TRUE(client.asked.empty());
}

}  // namespace
}  // namespace dust::shell
