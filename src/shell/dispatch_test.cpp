// The table's parser and the dispatcher's usage checks, with rows that need no cloud.
#include "shell/dispatch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "shell/command_table.h"
#include "shell/completion.h"
#include "shell/context.h"

namespace dust::shell {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> texts(const std::string& line) {
  std::vector<std::string> out;
  for (auto& w : split_words(line)) out.push_back(w.text);
  return out;
}

TEST(SplitWords, UnquotesEveryWord) {
  EXPECT_THAT(texts("worker1 'Name=my node,env=a b'"),
              ElementsAre("worker1", "Name=my node,env=a b"));
  EXPECT_THAT(texts("Name='my node' \"x y\"  z"), ElementsAre("Name=my node", "x y", "z"));
  EXPECT_THAT(texts(R"("say \"hi\"" it\'s a\ b)"), ElementsAre("say \"hi\"", "it's", "a b"));
  EXPECT_THAT(texts("'it''s'"), ElementsAre("its"));
  EXPECT_THAT(texts("''"), ElementsAre(""));
  EXPECT_TRUE(texts("   ").empty());
  EXPECT_THAT(texts(R"('a\b')"), ElementsAre(R"(a\b)"));  // single quotes keep backslashes
}

TEST(SplitWords, KeepsTheWordAsTypedForTargets) {
  auto w = split_words(R"(tags="a:b":c x)");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].raw, R"(tags="a:b":c)");
  EXPECT_EQ(w[0].text, "tags=a:b:c");
}

TEST(SplitWords, UnclosedQuoteIsAUsageError) {
  EXPECT_THROW(split_words("tag worker1 'Name=x"), UsageError);
  EXPECT_THROW(split_words("\"abc"), UsageError);
}

// A one-shot's arguments keep their boundaries through the line the server gets (found by a
// hostile review: `dust get -r web "" dir` lost the empty word, a name with a quote was refused).
TEST(OneShotLine, EveryArgumentStaysOneWord) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"get", "-r", "web", "", "dir"},
           {"get", "web", "it's.txt", "."},
           {"get", "web", "my file.txt", "."},
           {"put", "web", R"(a "b" c)", R"(back\slash x)", "/tmp/"},
           {"get", "web", "\"", "'"},
       })
    EXPECT_EQ(texts(one_shot_line(args)), args) << one_shot_line(args);
}

TEST(OneShotLine, QuotesOfItsOwnAndLinesAsTyped) {
  // A word that reads as one word with quotes of its own is the person's quoting (targets).
  EXPECT_EQ(one_shot_line({"show", R"(tags="a b":c)"}), R"(show tags="a b":c)");
  // A line for nodes or the local shell is joined with blanks, as ssh joins its arguments.
  EXPECT_EQ(one_shot_line({"@web", "echo", "a b", ""}), "@web echo a b ");
  EXPECT_EQ(one_shot_line({"!ls", "-l"}), "!ls -l");
  EXPECT_EQ(one_shot_line({"help show"}), "help show");  // one argument: a line as typed
}

TEST(FirstWordEnd, BlanksInsideQuotesDoNotEndTheWord) {
  EXPECT_EQ(first_word_end("'my node' uptime"), 9u);
  EXPECT_EQ(first_word_end(R"(tags="a b":c ls)"), 12u);
  EXPECT_EQ(first_word_end(R"(my\ node ls)"), 8u);
  EXPECT_EQ(first_word_end("worker0 echo 'x y'"), 7u);
  EXPECT_EQ(first_word_end("worker0"), std::string::npos);
  EXPECT_EQ(first_word_end("'unclosed node"), std::string::npos);
  // The first word, split the long way, is the same word.
  for (std::string line : {"'my node' uptime", R"(tags="a b":c ls)", R"(a\ b c)"})
    EXPECT_EQ(split_words(line)[0].raw, line.substr(0, first_word_end(line)));
}

Command row() {
  Command c;
  c.name = "demo";
  c.usage = "demo [-f] <a> [b]";
  c.flags = {{"-f", "--force", ""}};
  c.min_args = 1;
  c.max_args = 2;
  return c;
}

TEST(ParseArgs, FlagsPositionalsAndDoubleDash) {
  Args a;
  std::vector<std::string> raw;
  parse_args(row(), "-f 'x y' -- -z", &a, &raw);
  EXPECT_TRUE(a.has("--force"));
  EXPECT_THAT(a.words, ElementsAre("x y", "-z"));
  EXPECT_THAT(raw, ElementsAre("'x y'", "-z"));
  Args b;
  EXPECT_THROW(parse_args(row(), "--bogus x", &b, nullptr), UsageError);
  Args c;
  parse_args(row(), "-1 '-f'", &c, nullptr);  // negative numbers and quoted words are positionals
  EXPECT_THAT(c.words, ElementsAre("-1", "-f"));
  EXPECT_FALSE(c.has("--force"));
}

class Dispatch : public ::testing::Test {
 protected:
  Context ctx{Config{}, Mode::Script, false, false};
  std::vector<std::string> seen;
  int runs = 0;
  Command counted(Command c) {
    c.run = [this](Context&, Args& a) {
      ++runs;
      seen = a.words;
      return 0;
    };
    return c;
  }
  int run(const Command& c, const std::string& rest, std::string* err) {
    ::testing::internal::CaptureStderr();
    int rc = run_command(ctx, c, rest);
    *err = ::testing::internal::GetCapturedStderr();
    return rc;
  }
};

TEST_F(Dispatch, ChecksCountsFromTheRowAndExits2) {
  Command c = counted(row());
  std::string err;
  EXPECT_EQ(run(c, "", &err), 2);
  EXPECT_THAT(err, HasSubstr("demo: needs 1 argument\nusage: demo [-f] <a> [b]"));
  EXPECT_EQ(run(c, "a b extra", &err), 2);
  EXPECT_THAT(err, HasSubstr("got extra 'extra'"));
  EXPECT_EQ(run(c, "--nope a", &err), 2);
  EXPECT_THAT(err, HasSubstr("demo: unknown option '--nope'"));
  EXPECT_EQ(run(c, "'a", &err), 2);
  EXPECT_THAT(err, HasSubstr("unclosed quote"));
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(run(c, "'a b' \"c\"", &err), 0);
  EXPECT_EQ(runs, 1);
  EXPECT_THAT(seen, ElementsAre("a b", "c"));
}

TEST_F(Dispatch, NoArgumentsAllowedNamesTheFirstExtra) {
  Command c = counted(row());
  c.min_args = 0;
  c.max_args = 0;
  std::string err;
  EXPECT_EQ(run(c, "debug extra", &err), 2);
  EXPECT_THAT(err, HasSubstr("demo: unexpected argument 'debug'"));
}

TEST_F(Dispatch, RequiredTargetMissingIsAUsageError) {
  Command c = counted(row());
  c.target = TargetKind::Required;
  c.min_args = 0;
  std::string err;
  EXPECT_EQ(run(c, "", &err), 2);
  EXPECT_THAT(err, HasSubstr("demo: a target is required"));
  EXPECT_EQ(run(c, "bad[", &err), 2);  // malformed target: usage, before any cloud call
  EXPECT_THAT(err, HasSubstr("bad target"));
  EXPECT_EQ(runs, 0);
}

TEST_F(Dispatch, UsageErrorFromTheHandlerExits2WithTheRowsUsage) {
  Command c = row();
  c.run = [](Context&, Args&) -> int { throw UsageError("'x' is neither region nor cluster"); };
  std::string err;
  EXPECT_EQ(run(c, "a", &err), 2);
  EXPECT_THAT(err, HasSubstr("demo: 'x' is neither region nor cluster\nusage: demo [-f] <a> [b]"));
}

TEST(ArgsHold, NodesOutliveTheCacheTheyCameFrom) {
  Args a;
  {
    auto cache = std::make_unique<Nodes>(2);
    (*cache)[0].name = "web";
    (*cache)[1].name = "db";
    a.hold({&(*cache)[0], &(*cache)[1]});
  }  // the cache is gone, as after ctx.invalidate()
  ASSERT_EQ(a.nodes.size(), 2u);
  EXPECT_EQ(a.nodes[0]->name, "web");
  Args copy(a);
  EXPECT_EQ(copy.nodes[1]->name, "db");
  EXPECT_NE(copy.nodes[1], a.nodes[1]);
}

TEST(Completion, KindPerPositionFromTheRow) {
  Command c;
  c.complete = {CompleteKind::Nodes, CompleteKind::None, CompleteKind::Files};
  EXPECT_EQ(completion_for(c, "get "), CompleteKind::Nodes);
  EXPECT_EQ(completion_for(c, "get -r "), CompleteKind::Nodes);  // flags do not count
  EXPECT_EQ(completion_for(c, "get web "), CompleteKind::None);
  EXPECT_EQ(completion_for(c, "get web /etc/x "), CompleteKind::Files);
  EXPECT_EQ(completion_for(c, "get web /etc/x a "), CompleteKind::Files);  // the last repeats
  EXPECT_EQ(completion_for(c, "get 'web "), CompleteKind::None);           // inside a quote
  c.complete = {};
  EXPECT_EQ(completion_for(c, "exit "), CompleteKind::None);
}

TEST(Completion, BuiltinRowsDeclareTheirWords) {
  auto& t = CommandTable::instance();
  EXPECT_EQ(completion_for(*t.find("use"), "use "), CompleteKind::Places);
  EXPECT_EQ(completion_for(*t.find("put"), "put "), CompleteKind::Nodes);
  EXPECT_EQ(completion_for(*t.find("put"), "put web "), CompleteKind::Files);
  EXPECT_EQ(completion_for(*t.find("get"), "get web "), CompleteKind::None);
}

TEST(Suggest, OneLetterWordsRunLocally) {
  auto& t = CommandTable::instance();
  EXPECT_EQ(t.suggest("n"), "");
  EXPECT_EQ(t.suggest("y"), "");
  EXPECT_EQ(t.suggest("shwo"), "show");
}

}  // namespace
}  // namespace dust::shell
