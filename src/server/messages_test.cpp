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
  h.cwd = "/home/me/dir with space";
  h.json = true;
  h.yes = true;
  h.colour = true;
  Hello back = decode_hello(encode_hello(h));
  EXPECT_EQ(back.version, "1.2");
  EXPECT_EQ(back.kind, ClientKind::Interactive);
  EXPECT_EQ(back.cwd, h.cwd);
  EXPECT_TRUE(back.json);
  EXPECT_TRUE(back.yes);
  EXPECT_TRUE(back.colour);
  h.kind = ClientKind::Control;
  EXPECT_EQ(decode_hello(encode_hello(h)).kind, ClientKind::Control);
}

TEST(Messages, HelloWithInvalidUtf8CwdStillEncodes) {
  Hello h;
  h.cwd = "/tmp/\xff\xfe";
  EXPECT_NO_THROW(decode_hello(encode_hello(h)));
}

TEST(Messages, DoneAndCompletionsRoundTrip) {
  Done d{3, "dust:us-east-1$ ", true, "detached"};
  Done db = decode_done(encode_done(d));
  EXPECT_EQ(db.status, 3);
  EXPECT_EQ(db.prompt, d.prompt);
  EXPECT_TRUE(db.leave);
  EXPECT_EQ(db.why, "detached");
  CompleteRequest c{"@work", "ls"};
  CompleteRequest cb = decode_complete(encode_complete(c));
  EXPECT_EQ(cb.before, "@work");
  EXPECT_EQ(cb.text, "ls");
  Completions m{{"worker0", "worker1"}, true};
  Completions mb = decode_completions(encode_completions(m));
  EXPECT_EQ(mb.matches, m.matches);
  EXPECT_TRUE(mb.files);
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
}

}  // namespace
}  // namespace dust::server
