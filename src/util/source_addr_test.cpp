// Tests of the myip helpers: URL host extraction, private ranges, and the loopback route.
#include "util/source_addr.h"

#include <gtest/gtest.h>

namespace dust::util {

TEST(SourceAddr, UrlHost) {
  EXPECT_EQ(url_host("https://ec2.us-east-1.amazonaws.com"), "ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(url_host("http://127.0.0.1:5000/"), "127.0.0.1");
  EXPECT_EQ(url_host("http://[::1]:5000/x"), "::1");
  EXPECT_EQ(url_host("http://user@host:1"), "host");
}

TEST(SourceAddr, PrivateRanges) {
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.9",
                        "100.64.0.1", "169.254.1.1", "::1", "fd00::1", "fe80::1"})
    EXPECT_TRUE(is_private_address(a)) << a;
  for (const char* a : {"8.8.8.8", "172.32.0.1", "203.0.113.5", "2001:db8::1", "junk"})
    EXPECT_FALSE(is_private_address(a)) << a;
}

TEST(SourceAddr, LoopbackRouteUsesLoopback) {
  std::string err;
  EXPECT_EQ(source_address_towards("127.0.0.1", &err), "127.0.0.1");
  EXPECT_EQ(err, "");
}

}  // namespace dust::util
