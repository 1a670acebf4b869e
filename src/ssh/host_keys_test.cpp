// Tests for the StrictHostKeyChecking policy: OpenSSH's words and what each does with an unknown
// and a changed key (ssh_config(5)), dust's default (accept-new) and a word that is none of them.
#include "ssh/host_keys.h"

#include <gtest/gtest.h>

namespace dust::ssh {
namespace {

StrictHostKey parse(const char* w) {
  StrictHostKey p{};
  EXPECT_TRUE(parse_strict_host_key(w, &p)) << w;
  return p;
}

TEST(HostKeyPolicy, OpenSshWords) {
  EXPECT_EQ(parse("yes"), StrictHostKey::Yes);
  EXPECT_EQ(parse("true"), StrictHostKey::Yes);  // was accept-new (issue 20, item 6)
  EXPECT_EQ(parse("YES"), StrictHostKey::Yes);
  EXPECT_EQ(parse("accept-new"), StrictHostKey::AcceptNew);
  EXPECT_EQ(parse(""), StrictHostKey::AcceptNew);
  EXPECT_EQ(parse("no"), StrictHostKey::No);
  EXPECT_EQ(parse("false"), StrictHostKey::No);
  EXPECT_EQ(parse("off"), StrictHostKey::No);
  EXPECT_EQ(parse("ask"), StrictHostKey::Ask);
  StrictHostKey p;
  EXPECT_FALSE(parse_strict_host_key("maybe", &p));
  EXPECT_FALSE(parse_strict_host_key("yes ", &p));
}

TEST(HostKeyPolicy, WhatEachDoes) {
  using A = HostKeyAction;
  using K = KnownHost;
  for (auto p :
       {StrictHostKey::Yes, StrictHostKey::AcceptNew, StrictHostKey::No, StrictHostKey::Ask})
    EXPECT_EQ(host_key_action(p, K::Match), A::Connect);
  EXPECT_EQ(host_key_action(StrictHostKey::Yes, K::Unknown), A::Refuse);
  EXPECT_EQ(host_key_action(StrictHostKey::Ask, K::Unknown), A::Refuse);
  EXPECT_EQ(host_key_action(StrictHostKey::AcceptNew, K::Unknown), A::Record);
  EXPECT_EQ(host_key_action(StrictHostKey::No, K::Unknown), A::Record);
  EXPECT_EQ(host_key_action(StrictHostKey::Yes, K::Changed), A::Refuse);
  EXPECT_EQ(host_key_action(StrictHostKey::Ask, K::Changed), A::Refuse);
  EXPECT_EQ(host_key_action(StrictHostKey::AcceptNew, K::Changed), A::Refuse);
  EXPECT_EQ(host_key_action(StrictHostKey::No, K::Changed), A::ConnectChanged);
}

}  // namespace
}  // namespace dust::ssh
