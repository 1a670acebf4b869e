#include "ssh/login.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace dust::ssh {
namespace {

std::string write_config(const std::string& text) {
  char path[] = "/tmp/dust-login-test-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

TEST(Login, NodeValueThenSshConfigThenDefault) {
  std::string cfg = write_config("Host 10.1.*\n  User root\n  Port 2222\nHost *\n  User admin\n");
  Options o;
  o.ssh_config = cfg;
  o.default_user = "ec2-user";
  Endpoint e;
  e.host = "10.1.2.3";
  EXPECT_EQ(login_user(e, o), "root");
  EXPECT_EQ(login_port(e, o), 2222);
  e.host = "192.168.0.1";
  EXPECT_EQ(login_user(e, o), "admin");
  EXPECT_EQ(login_port(e, o), 22);
  e.user = "ubuntu";
  e.port = 2200;
  EXPECT_EQ(login_user(e, o), "ubuntu");
  EXPECT_EQ(login_port(e, o), 2200);
  std::remove(cfg.c_str());
}

TEST(Login, MissingConfigUsesTheDefault) {
  Options o;
  o.ssh_config = "/nonexistent/dust/ssh_config";
  o.default_user = "ec2-user";
  Endpoint e;
  e.host = "10.1.2.3";
  EXPECT_EQ(login_user(e, o), "ec2-user");
  EXPECT_EQ(login_port(e, o), 22);
}

}  // namespace
}  // namespace dust::ssh
