// Tests for parse_hop: the ProxyJump hop syntax, and what is refused.
#include "ssh/jump.h"

#include <gtest/gtest.h>

namespace dust::ssh {

TEST(ParseHop, UserHostPort) {
  std::string user, host;
  int port = -1;
  ASSERT_TRUE(parse_hop("root@10.0.0.1:2222", &user, &host, &port));
  EXPECT_EQ(user, "root");
  EXPECT_EQ(host, "10.0.0.1");
  EXPECT_EQ(port, 2222);
  ASSERT_TRUE(parse_hop("bastion", &user, &host, &port));
  EXPECT_EQ(user, "");
  EXPECT_EQ(host, "bastion");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(parse_hop("ssh://ec2-user@[fd00::1]:22", &user, &host, &port));
  EXPECT_EQ(user, "ec2-user");
  EXPECT_EQ(host, "fd00::1");
  EXPECT_EQ(port, 22);
}

TEST(ParseHop, MalformedIsRefused) {
  std::string user, host;
  int port = 0;
  for (const char* bad : {"", "root@", "@host", "host:", "host:99999", "host:22x", "[fd00::1",
                          "[fd00::1]x", "a b", "host:0"})
    EXPECT_FALSE(parse_hop(bad, &user, &host, &port)) << bad;
}

}  // namespace dust::ssh
