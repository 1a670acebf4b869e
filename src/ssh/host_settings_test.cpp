// Tests for host_settings: the resolved ssh config under dust's precedence (cluster file user,
// port and jump; config.yaml's default user and host-key policy) and the options not applied.
#include "ssh/host_settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "util/error.h"

namespace dust::ssh {
namespace {

struct TempConfig {
  std::string path;
  explicit TempConfig(const std::string& text) {
    char p[] = "/tmp/dust-host-settings-XXXXXX";
    int fd = mkstemp(p);
    close(fd);
    path = p;
    std::ofstream(path) << text;
  }
  ~TempConfig() { std::remove(path.c_str()); }
};

TEST(HostSettings, DustPrecedenceOverTheResolvedConfig) {
  TempConfig cfg(
      "Host 10.0.* !10.0.0.1\n  ProxyJump 10.0.0.1\n  SendEnv LANG\n"
      "Host 10.0.0.1\n  User jumpuser\n  StrictHostKeyChecking true\n"
      "Host *\n  IdentityFile /k/first\n  IdentityFile /k/second\n  ConnectTimeout 4\n");
  Options o;
  o.ssh_config = cfg.path;
  o.default_user = "ec2-user";
  Endpoint ep;
  ep.host = "10.0.3.3";
  HostSettings s = host_settings(ep, o);
  EXPECT_EQ(s.cfg.user, "ec2-user");  // not set by the config: dust's default, not the local user
  EXPECT_EQ(s.jump, "[10.0.0.1]");
  EXPECT_EQ(s.identity_files, (std::vector<std::string>{"/k/first", "/k/second"}));
  EXPECT_EQ(s.connect_timeout_s, 4);
  EXPECT_EQ(s.strict, "ask");
  EXPECT_EQ(s.not_applied, (std::vector<std::string>{"SendEnv"}));

  ep.host = "10.0.0.1";  // the bastion itself: no jump, its own user and strict policy
  s = host_settings(ep, o);
  EXPECT_EQ(s.jump, "");
  EXPECT_EQ(s.cfg.user, "jumpuser");
  EXPECT_EQ(s.strict, "true");

  ep.user = "clusteruser";  // the cluster file's user and jump win, as `ssh -l` would
  ep.proxy_jump = "other";
  s = host_settings(ep, o);
  EXPECT_EQ(s.cfg.user, "clusteruser");
  EXPECT_EQ(s.jump, "other");

  o.strict_host_key = "no";  // config.yaml's explicit policy wins
  EXPECT_EQ(host_settings(ep, o).strict, "false");
  o.strict_host_key = "accept-new";  // accept-new too (it was taken for "unset" and lost)
  EXPECT_EQ(host_settings(ep, o).strict, "accept-new");
}

TEST(HostSettings, UnsetPolicyIsOpenSshsAsk) {
  TempConfig cfg("Host *\n  User u\n");
  Options o;  // no config.yaml policy, none in the ssh config: ssh -G says ask
  o.ssh_config = cfg.path;
  Endpoint ep;
  ep.host = "h";
  EXPECT_EQ(host_settings(ep, o).strict, "ask");
}

TEST(HostSettings, IdentitiesOnlyKeepsSshsDefaultListAndNoAgent) {
  TempConfig cfg("IdentitiesOnly yes\n");
  Options o;
  o.ssh_config = cfg.path;
  Endpoint ep;
  ep.host = "h";
  HostSettings s = host_settings(ep, o);
  ASSERT_FALSE(s.identity_files.empty());
  EXPECT_EQ(s.identity_files.front().substr(s.identity_files.front().rfind('/')), "/id_rsa");
  EXPECT_EQ(s.agent_sock, "");
}

TEST(HostSettings, ARefusedHostOrConfigIsAnError) {
  TempConfig cfg("Port nope\n");
  Options o;
  o.ssh_config = cfg.path;
  Endpoint ep;
  ep.host = "h";
  EXPECT_THROW(host_settings(ep, o), Error);
  TempConfig ok("User u\n");
  o.ssh_config = ok.path;
  ep.host = "bad;host";
  EXPECT_THROW(host_settings(ep, o), Error);
}

}  // namespace
}  // namespace dust::ssh
