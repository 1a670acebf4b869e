// Tests for resolve_ssh_config with an in-memory SshConfigEnv: OpenSSH 9.2's first-value rule,
// Host negation and patterns, Include, Match criteria, tokens, IdentityFile order, errors.
#include "ssh/ssh_config.h"

#include <gtest/gtest.h>

#include <map>

#include "ssh/ssh_config_lex.h"

namespace dust::ssh {
namespace {

struct FakeEnv {
  std::map<std::string, std::string> files;
  std::vector<std::string> ran;  // Match exec commands
  SshConfigEnv env() {
    SshConfigEnv e;
    e.read = [this](const std::string& p, bool) {
      SshConfigEnv::File f;
      if (auto it = files.find(p); it != files.end()) f.exists = true, f.text = it->second;
      return f;
    };
    e.glob = [this](const std::string& pat) {
      std::vector<std::string> out;
      for (const auto& [p, _] : files)
        if (cfg::match_pattern(p.c_str(), pat.c_str())) out.push_back(p);
      return out;
    };
    e.exec = [this](const std::string& c) {
      ran.push_back(c);
      return c == "true" ? 0 : 1;
    };
    e.resolves = [](const std::string& f) { return f == "web.corp.example."; };
    e.getenv = [](const std::string& n) -> std::optional<std::string> {
      if (n == "KH") return std::string("/kh");
      return std::nullopt;
    };
    e.home_of = [](const std::string&) { return std::nullopt; };
    e.service_port = [](const std::string&) { return -1; };
    e.local_user = "me";
    e.home = "/home/me";
    e.uid = "1000";
    e.hostname = "laptop.local";
    e.system_config = "";
    return e;
  }
  SshConfigResult resolve(const std::string& host, const std::string& text) {
    files["/cfg"] = text;
    SshConfigRequest r;
    r.host = host;
    r.config_file = "/cfg";
    return resolve_ssh_config(r, env());
  }
};

TEST(SshConfig, NegatedPatternSkipsTheBastion) {
  FakeEnv f;
  std::string cfg = "Host 10.* !10.0.0.1\n  ProxyJump 10.0.0.1\nHost *\n  User ec2\n";
  auto node = f.resolve("10.0.3.4", cfg);
  ASSERT_TRUE(node.ok) << node.error;
  EXPECT_EQ(node.config.proxy_jump, "[10.0.0.1]");
  auto bastion = f.resolve("10.0.0.1", cfg);
  ASSERT_TRUE(bastion.ok) << bastion.error;
  EXPECT_EQ(bastion.config.proxy_jump, "");
  EXPECT_EQ(bastion.config.user, "ec2");
}

TEST(SshConfig, FirstValueWinsAndIdentityFilesKeepTheirOrder) {
  FakeEnv f;
  auto r = f.resolve("web",
                     "Host web\n Port 2200\n IdentityFile ~/a\nHost *\n Port 22\n"
                     " IdentityFile ~/b\n IdentityFile ~/a\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.config.port, 2200);
  EXPECT_EQ(r.config.identity_files, (std::vector<std::string>{"~/a", "~/b"}));
}

TEST(SshConfig, IncludeIsRelativeToDotSshAndGlobbed) {
  FakeEnv f;
  f.files["/home/me/.ssh/conf.d/1"] = "StrictHostKeyChecking yes\nConnectTimeout 1m\n";
  f.files["/home/me/.ssh/conf.d/2"] = "ProxyJump j\n";
  auto r = f.resolve("x", "Include conf.d/*\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.config.strict_host_key_checking, "true");
  EXPECT_EQ(r.config.connect_timeout, 60);
  EXPECT_EQ(r.config.proxy_jump, "j");
}

TEST(SshConfig, IncludeDepthIsBounded) {
  FakeEnv f;
  f.files["/loop"] = "Include /loop\n";
  auto r = f.resolve("x", "Include /loop\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("Too many recursive"), std::string::npos) << r.error;
}

TEST(SshConfig, HostnameDoesNotRematchHostButMatchHostSeesIt) {
  FakeEnv f;
  auto r = f.resolve("short",
                     "Host short\n Hostname real.example\nHost real.example\n User a\n"
                     "Match host real.example\n Port 2\nMatch originalhost short\n"
                     " IdentityFile /k\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.config.hostname, "real.example");
  EXPECT_EQ(r.config.user, "me");
  EXPECT_EQ(r.config.port, 2);
  EXPECT_EQ(r.config.identity_files, (std::vector<std::string>{"/k"}));
}

TEST(SshConfig, MatchUserLocaluserExecFinalCanonical) {
  FakeEnv f;
  auto r = f.resolve("bob@h",
                     "Match user bob localuser me exec true\n Port 3\n"
                     "Match exec false\n User nope\nMatch final\n ConnectTimeout 7\n"
                     "Match !canonical\n IdentityFile /first-pass\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.config.user, "bob");
  EXPECT_EQ(r.config.port, 3);
  EXPECT_EQ(r.config.connect_timeout, 7);
  EXPECT_EQ(r.config.identity_files, (std::vector<std::string>{"/first-pass"}));
}

TEST(SshConfig, CommaInHostLineAndBracketsAreLiteral) {
  FakeEnv f;
  std::string cfg =
      "Host a,b\n User comma\nHost web[12]\n User bracket\nHost \"q h\" x?z\n"
      " User quoted\n";
  EXPECT_EQ(f.resolve("a", cfg).config.user, "me");
  EXPECT_EQ(f.resolve("web1", cfg).config.user, "me");
  EXPECT_EQ(f.resolve("web", cfg).config.user, "me");
  EXPECT_EQ(f.resolve("xyz", cfg).config.user, "quoted");
}

TEST(SshConfig, TokensAndTildeInKnownHostsAndIdentityAgent) {
  FakeEnv f;
  auto r = f.resolve("H",
                     "UserKnownHostsFile ~/kh_%h_%p_%r_%u_%n_%d_%L ${KH}\n"
                     "IdentityAgent ~/agent.%i\nUser r\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.config.user_known_hosts,
            (std::vector<std::string>{"/home/me/kh_h_22_r_me_H_/home/me_laptop", "/kh"}));
  EXPECT_EQ(r.config.identity_agent.value_or(""), "/home/me/agent.1000");
}

TEST(SshConfig, StrictHostKeyCheckingForms) {
  FakeEnv f;
  for (auto [v, want] :
       std::vector<std::pair<std::string, std::string>>{{"yes", "true"},
                                                        {"true", "true"},
                                                        {"no", "false"},
                                                        {"off", "false"},
                                                        {"false", "false"},
                                                        {"accept-new", "accept-new"},
                                                        {"ask", "ask"}})
    EXPECT_EQ(f.resolve("h", "StrictHostKeyChecking " + v + "\n").config.strict_host_key_checking,
              want)
        << v;
  EXPECT_FALSE(f.resolve("h", "StrictHostKeyChecking maybe\n").ok);
}

TEST(SshConfig, RefusesWhatSshRefuses) {
  FakeEnv f;
  EXPECT_EQ(f.resolve("a;b", "").error, "hostname contains invalid characters");
  EXPECT_EQ(f.resolve("-x", "").error, "hostname contains invalid characters");
  EXPECT_FALSE(f.resolve("h", "Bogus yes\n").ok);
  EXPECT_TRUE(f.resolve("h", "IgnoreUnknown bog*\nBogus yes\n").ok);
  EXPECT_FALSE(f.resolve("h", "Host x\n Port 99999\n").ok);  // checked in inactive blocks too
  EXPECT_FALSE(f.resolve("h", "Hostname %z\n").ok);
  EXPECT_FALSE(f.resolve("h", "Match bogus x\n").ok);
}

TEST(SshConfig, CanonicalisationReReadsTheConfig) {
  FakeEnv f;
  auto r = f.resolve("web",
                     "CanonicalizeHostname yes\nCanonicalDomains corp.example\n"
                     "Host web.corp.example\n User canon\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.config.hostname, "web.corp.example");
  EXPECT_EQ(r.config.user, "canon");
}

TEST(SshConfig, NotAppliedKeywordsAreListed) {
  FakeEnv f;
  auto r = f.resolve("h", "SendEnv LANG\nServerAliveInterval 5\nUser x\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.config.user_set,
            (std::vector<std::string>{"sendenv", "serveraliveinterval", "user"}));
}

}  // namespace
}  // namespace dust::ssh
