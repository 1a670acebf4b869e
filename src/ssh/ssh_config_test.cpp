// Tests for ssh_config_value and agent_socket: OpenSSH's first-match rule, Host patterns,
// IdentityAgent.
#include "ssh/ssh_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace dust::ssh {

namespace {
class SshConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("dust-sshcfg-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "config").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& text) { std::ofstream(path_) << text; }
  std::filesystem::path dir_;
  std::string path_;
};
}  // namespace

TEST_F(SshConfig, FirstMatchingHostBlockWins) {
  write(
      "# comment\n"
      "Host 10.0.*\n"
      "    StrictHostKeyChecking yes\n"
      "Host *\n"
      "    StrictHostKeyChecking=accept-new\n");
  EXPECT_EQ(ssh_config_value(path_, "10.0.0.5", "stricthostkeychecking"), "yes");
  EXPECT_EQ(ssh_config_value(path_, "192.168.1.1", "StrictHostKeyChecking"), "accept-new");
  EXPECT_EQ(ssh_config_value(path_, "10.0.0.5", "User"), "");
}

TEST_F(SshConfig, GlobalLinesNegationAndMatchBlocks) {
  write(
      "IdentityAgent ~/agent.sock\n"
      "Host * !bastion\n"
      "    User ec2-user\n"
      "Match host db\n"
      "    User postgres\n");
  EXPECT_EQ(ssh_config_value(path_, "anything", "IdentityAgent"), "~/agent.sock");
  EXPECT_EQ(ssh_config_value(path_, "web", "User"), "ec2-user");
  EXPECT_EQ(ssh_config_value(path_, "bastion", "User"), "");
  EXPECT_EQ(ssh_config_value(path_, "db", "User"), "ec2-user");  // the first value wins
}

TEST_F(SshConfig, ProxyJumpInsideMatchBlocks) {
  write(
      "Match host 10.1.*,!10.1.0.1\n"
      "    ProxyJump bastion\n"
      "Match originalhost db*\n"
      "    ProxyJump root@10.1.0.1:2222\n"
      "Match exec \"true\" host web\n"  // exec is not run: the block does not apply
      "    ProxyJump never\n"
      "Match all\n"
      "    ProxyJump none\n");
  EXPECT_EQ(ssh_config_value(path_, "10.1.2.3", "ProxyJump"), "bastion");
  EXPECT_EQ(ssh_config_value(path_, "10.1.0.1", "ProxyJump"), "none");
  EXPECT_EQ(ssh_config_value(path_, "db7", "ProxyJump"), "root@10.1.0.1:2222");
  EXPECT_EQ(ssh_config_value(path_, "web", "ProxyJump"), "none");
}

TEST_F(SshConfig, MissingFileGivesNothing) {
  EXPECT_EQ(ssh_config_value((dir_ / "nope").string(), "h", "User"), "");
}

TEST_F(SshConfig, AgentSocketFromIdentityAgentOrEnvironment) {
  const char* h = getenv("HOME");
  const char* a = getenv("SSH_AUTH_SOCK");
  std::string old_home = h ? h : "", old_sock = a ? a : "";
  setenv("SSH_AUTH_SOCK", "/run/agent.env", 1);
  setenv("DUST_TEST_SOCK", "/run/agent.var", 1);
  setenv("HOME", dir_.c_str(), 1);
  write("");
  EXPECT_EQ(agent_socket(path_, "h"), "/run/agent.env");
  write(
      "Host a\n  IdentityAgent none\nHost b\n  IdentityAgent $DUST_TEST_SOCK\nHost c\n  "
      "IdentityAgent ~/s\n"
      "Host d\n  IdentityAgent SSH_AUTH_SOCK\nHost e\n  IdentityAgent \"/quoted/sock\"\n");
  EXPECT_EQ(agent_socket(path_, "a"), "");
  EXPECT_EQ(agent_socket(path_, "b"), "/run/agent.var");
  EXPECT_EQ(agent_socket(path_, "c"), (dir_ / "s").string());
  EXPECT_EQ(agent_socket(path_, "d"), "/run/agent.env");
  EXPECT_EQ(agent_socket(path_, "e"), "/quoted/sock");
  unsetenv("SSH_AUTH_SOCK");
  EXPECT_EQ(agent_socket(path_, "zzz"), "");
  unsetenv("DUST_TEST_SOCK");
  if (h) setenv("HOME", old_home.c_str(), 1);
  if (a) setenv("SSH_AUTH_SOCK", old_sock.c_str(), 1);
}

TEST_F(SshConfig, ProxyCommandForOneOrSeveralHops) {
  write("");
  EXPECT_EQ(proxy_command("ec2-user@bastion", path_),
            "ssh -F '" + path_ + "' -o BatchMode=yes -W '[%h]:%p' 'ec2-user@bastion'");
  EXPECT_EQ(proxy_command("a,b:2222", (dir_ / "missing").string()),
            "ssh -o BatchMode=yes -J 'a' -W '[%h]:%p' 'b:2222'");
  EXPECT_EQ(proxy_command("x,y,z", ""), "ssh -o BatchMode=yes -J 'x,y' -W '[%h]:%p' 'z'");
  EXPECT_EQ(proxy_command("h; rm -rf ~", ""), "ssh -o BatchMode=yes -W '[%h]:%p' 'h; rm -rf ~'");
  EXPECT_EQ(proxy_command("it's", ""), "ssh -o BatchMode=yes -W '[%h]:%p' 'it'\\''s'");
}

}  // namespace dust::ssh
