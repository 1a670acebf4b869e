// Tests for endpoint_for: address choice and the node-level user/key precedence.
#include "ssh/endpoint.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace dust::ssh {

namespace {
Node node() {
  Node n;
  n.name = "web";
  n.id = "i-1";
  n.public_ip = "54.1.2.3";
  n.private_ip = "10.0.0.5";
  n.public_dns = "ec2-54.example";
  n.private_dns = "ip-10.internal";
  return n;
}
}  // namespace

TEST(Endpoint, PublicIpFirstThenPrivate) {
  Options o;
  Node n = node();
  EXPECT_EQ(endpoint_for(n, o).host, "54.1.2.3");
  n.public_ip.clear();
  EXPECT_EQ(endpoint_for(n, o).host, "10.0.0.5");
}

TEST(Endpoint, AddressOverrides) {
  Options o;
  Node n = node();
  n.address = "private";
  EXPECT_EQ(endpoint_for(n, o).host, "10.0.0.5");
  n.address = "dns";
  EXPECT_EQ(endpoint_for(n, o).host, "ec2-54.example");
  n.address = "10.9.9.9";
  EXPECT_EQ(endpoint_for(n, o).host, "10.9.9.9");
  n.address.clear();
  o.address = "private";  // config-wide default, the node's own setting wins over it
  EXPECT_EQ(endpoint_for(n, o).host, "10.0.0.5");
}

TEST(Endpoint, LabelKeyUserAndKeyfile) {
  setenv("HOME", "/tmp/h", 1);
  Options o;
  Node n = node();
  n.username = "ubuntu";
  n.keyfile = "~/.ssh/k.pem";
  n.port = 2222;
  Endpoint e = endpoint_for(n, o);
  EXPECT_EQ(e.node_label, "web");
  EXPECT_EQ(e.key, "i-1");
  EXPECT_EQ(e.user, "ubuntu");
  EXPECT_EQ(e.keyfile, "/tmp/h/.ssh/k.pem");
  EXPECT_EQ(e.port, 2222);
  n.name.clear();
  EXPECT_EQ(endpoint_for(n, o).node_label, "i-1");
}

TEST(Endpoint, KeyNameCandidatesOnlyExisting) {
  namespace fs = std::filesystem;
  fs::path home = fs::temp_directory_path() / ("dust-ep-" + std::to_string(getpid()));
  fs::create_directories(home / ".ssh");
  fs::create_directories(home / "dust" / "keys");
  setenv("HOME", home.c_str(), 1);
  setenv("DUST_HOME", (home / "dust").c_str(), 1);
  Endpoint e;
  e.key_name = "prod";
  EXPECT_TRUE(key_name_candidates(e).empty());
  std::ofstream(home / ".ssh" / "prod.pem") << "x";
  ASSERT_EQ(key_name_candidates(e).size(), 1u);
  std::ofstream(home / "dust" / "keys" / "prod.pem") << "x";
  auto c = key_name_candidates(e);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0], (home / "dust" / "keys" / "prod.pem").string());  // $DUST_HOME/keys first
  e.key_name = "../prod";
  EXPECT_TRUE(key_name_candidates(e).empty());
  unsetenv("DUST_HOME");
  fs::remove_all(home);
}

}  // namespace dust::ssh
