// The protocol's JSON bodies: round trips, and any body that does not fit is a dust::Error.
#include "server/messages.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace dust::server {
namespace {

TEST(Messages, HelloRoundTrips) {
  Hello h;
  h.version = "1.2";
  h.kind = ClientKind::Interactive;
  h.client.cwd = "/home/me/dir with space";
  h.json = true;
  h.yes = true;
  h.loglevel = "debug";
  h.client.colour = true;
  h.client.env = {{"AWS_REGION", "eu-west-1"}, {"FOO", "a=b c"}};
  h.client.stdin_tty = true;
  h.client.terminal = true;
  h.client.cols = 132;
  h.client.rows = 40;
  Hello back = decode_hello(encode_hello(h));
  EXPECT_EQ(back.version, "1.2");
  EXPECT_EQ(back.kind, ClientKind::Interactive);
  EXPECT_EQ(back.client.cwd, h.client.cwd);
  EXPECT_TRUE(back.json);
  EXPECT_TRUE(back.yes);
  EXPECT_EQ(back.loglevel, "debug");
  EXPECT_TRUE(back.client.colour);
  EXPECT_EQ(back.client.env, h.client.env);
  EXPECT_TRUE(back.client.stdin_tty);
  EXPECT_FALSE(back.client.stdout_tty);
  EXPECT_TRUE(back.client.terminal);
  EXPECT_EQ(back.client.cols, 132);
  EXPECT_EQ(back.client.rows, 40);
  h.kind = ClientKind::Control;
  EXPECT_EQ(decode_hello(encode_hello(h)).kind, ClientKind::Control);
}

TEST(Messages, HelloWithInvalidUtf8CwdStillEncodes) {
  Hello h;
  h.client.cwd = "/tmp/\xff\xfe";
  EXPECT_NO_THROW(decode_hello(encode_hello(h)));
}

TEST(Messages, DoneAndCompletionsRoundTrip) {
  Done d{3, "dust:us-east-1$ ", true, "detached", std::nullopt};
  Done db = decode_done(encode_done(d));
  EXPECT_EQ(db.status, 3);
  EXPECT_EQ(db.prompt, d.prompt);
  EXPECT_TRUE(db.leave);
  EXPECT_EQ(db.why, "detached");
  EXPECT_FALSE(db.local);
  d.local = "echo $FOO";
  EXPECT_EQ(decode_done(encode_done(d)).local, "echo $FOO");
  CompleteRequest c{"@work", "ls"};
  CompleteRequest cb = decode_complete(encode_complete(c));
  EXPECT_EQ(cb.before, "@work");
  EXPECT_EQ(cb.text, "ls");
  Completions m{{"worker0", "worker1"}, true};
  Completions mb = decode_completions(encode_completions(m));
  EXPECT_EQ(mb.matches, m.matches);
  EXPECT_TRUE(mb.files);
}

TEST(Messages, AskAnswerAndSizeRoundTrip) {
  Ask a = decode_ask(encode_ask({"sudo password for w[0-1] (2 nodes): ", true}));
  EXPECT_EQ(a.question, "sudo password for w[0-1] (2 nodes): ");
  EXPECT_TRUE(a.secret);
  EXPECT_EQ(decode_answer(encode_answer("y")), "y");
  EXPECT_EQ(decode_answer(encode_answer(std::string())), "");
  EXPECT_FALSE(decode_answer(encode_answer(std::nullopt)));
  Size s = decode_size(encode_size({100, 30}));
  EXPECT_EQ(s.cols, 100);
  EXPECT_EQ(s.rows, 30);
}

TEST(Messages, MissingFieldsTakeDefaults) {
  Hello h = decode_hello(R"({"kind":"command"})");
  EXPECT_EQ(h.kind, ClientKind::Command);
  EXPECT_FALSE(h.json);
  EXPECT_EQ(decode_done("{}").status, 0);
}

TEST(Messages, MalformedBodiesThrow) {
  EXPECT_THROW(decode_hello("not json"), Error);
  EXPECT_THROW(decode_hello("[1,2]"), Error);
  EXPECT_THROW(decode_hello(R"({"kind":"root"})"), Error);
  EXPECT_THROW(decode_hello(R"({"kind":"command","json":"yes"})"), Error);
  EXPECT_THROW(decode_hello(R"({"kind":7})"), Error);
  EXPECT_THROW(decode_done(R"({"status":"x"})"), Error);
  EXPECT_THROW(decode_complete(R"({"before":[]})"), Error);
  EXPECT_THROW(decode_completions(R"({"matches":[1]})"), Error);
  EXPECT_THROW(decode_completions(""), Error);
  EXPECT_THROW(decode_hello(R"({"kind":"command","client":{"env":{"A":1}}})"), Error);
  EXPECT_THROW(decode_hello(R"({"kind":"command","client":[]})"), Error);
  EXPECT_THROW(decode_answer(R"({"answer":5})"), Error);
  EXPECT_THROW(decode_ask(R"({"secret":"no"})"), Error);
  EXPECT_THROW(decode_done(R"({"local":false})"), Error);
}

}  // namespace
}  // namespace dust::server
