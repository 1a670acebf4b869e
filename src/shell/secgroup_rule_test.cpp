// Tests of secgroup rule parsing: every bad word is refused before any API call.
#include "shell/secgroup_rule.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace dust::shell {
namespace {

TEST(SecgroupRule, TcpPortAndCidr) {
  auto r = parse_rule("tcp", "22", "10.0.0.0/8");
  EXPECT_EQ(r.protocol, "tcp");
  EXPECT_EQ(r.from_port, 22);
  EXPECT_EQ(r.to_port, 22);
  ASSERT_EQ(r.cidrs.size(), 1u);
  EXPECT_EQ(r.cidrs[0], "10.0.0.0/8");
  EXPECT_EQ(ports_label(r), "22");
  EXPECT_EQ(sources_label(r), "10.0.0.0/8");
}

TEST(SecgroupRule, RangesNumbersAndAll) {
  auto r = parse_rule("6", "8000-8100", "203.0.113.7");
  EXPECT_EQ(r.protocol, "tcp");
  EXPECT_EQ(ports_label(r), "8000-8100");
  EXPECT_EQ(r.cidrs[0], "203.0.113.7/32");
  auto all = parse_rule("all", "all", "sg-0abc123");
  EXPECT_EQ(all.protocol, "-1");
  EXPECT_EQ(protocol_label(all), "all");
  EXPECT_EQ(ports_label(all), "all");
  EXPECT_EQ(all.source_groups, std::vector<std::string>{"sg-0abc123"});
  auto udp = parse_rule("udp", "*", "0.0.0.0/0");
  EXPECT_EQ(udp.from_port, 0);
  EXPECT_EQ(udp.to_port, 65535);
  auto icmp = parse_rule("icmp", "8", "0.0.0.0/0");
  EXPECT_EQ(icmp.from_port, 8);
  EXPECT_EQ(icmp.to_port, -1);
  EXPECT_EQ(ports_label(icmp), "type 8");
  auto v6 = parse_rule("tcp", "443", "2001:db8::/32");
  EXPECT_EQ(v6.ipv6_cidrs, std::vector<std::string>{"2001:db8::/32"});
}

TEST(SecgroupRule, BadWordsAreErrors) {
  EXPECT_THROW(parse_rule("tcpp", "22", "0.0.0.0/0"), Error);
  EXPECT_THROW(parse_rule("tcp", "22-10", "0.0.0.0/0"), Error);
  EXPECT_THROW(parse_rule("tcp", "70000", "0.0.0.0/0"), Error);
  EXPECT_THROW(parse_rule("tcp", "-5", "0.0.0.0/0"), Error);
  EXPECT_THROW(parse_rule("tcp", "2 2", "0.0.0.0/0"), Error);
  EXPECT_THROW(parse_rule("tcp", "", "0.0.0.0/0"), Error);
  EXPECT_THROW(parse_rule("all", "22", "0.0.0.0/0"), Error);
  EXPECT_THROW(parse_rule("icmp", "300", "0.0.0.0/0"), Error);
  EXPECT_THROW(parse_rule("tcp", "22", "10.0.0.0/33"), Error);
  EXPECT_THROW(parse_rule("tcp", "22", "10.0.0.256/32"), Error);
  EXPECT_THROW(parse_rule("tcp", "22", "10.0.0/8"), Error);
  EXPECT_THROW(parse_rule("tcp", "22", "example.com"), Error);
  EXPECT_THROW(parse_rule("tcp", "22", "sg-xyz"), Error);
  EXPECT_THROW(parse_rule("tcp", "22", "2001:zz::/32"), Error);
}

TEST(SecgroupRule, HostBitsSuggestTheNetwork) {
  EXPECT_EQ(check_ipv4_cidr("10.0.0.0/8"), "");
  EXPECT_EQ(check_ipv4_cidr("0.0.0.0/0"), "");
  EXPECT_NE(check_ipv4_cidr("10.1.2.3/8").find("10.0.0.0/8"), std::string::npos);
  try {
    parse_rule("tcp", "22", "192.168.1.5/24");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("192.168.1.0/24"), std::string::npos);
  }
}

}  // namespace
}  // namespace dust::shell
