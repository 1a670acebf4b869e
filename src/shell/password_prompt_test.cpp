// Tests for password prompt detection: sudo's own, ssh.password_prompts, a bad pattern refused, and
// hostile lines (a prompt followed by thousands of control bytes) answered at once without a crash.
#include "shell/password_prompt.h"

#include <gtest/gtest.h>

#include <chrono>

#include "util/error.h"

namespace dust::shell {

TEST(PasswordPrompts, SudoPromptAndConfiguredPatterns) {
  PasswordPrompts p({R"(Password for \S+: ?)", "Enter passphrase:", R"((?i)verification code:)"});
  EXPECT_TRUE(p.matches("[sudo] password for ec2-user: "));
  EXPECT_TRUE(p.matches("[sudo] password for dusty:"));
  EXPECT_TRUE(p.matches("Password for admin@db: "));
  EXPECT_TRUE(p.matches("Enter passphrase:  "));
  EXPECT_TRUE(p.matches("Verification CODE:"));
  EXPECT_TRUE(p.matches("10%\r[sudo] password for x: "));  // what the terminal shows
  EXPECT_FALSE(p.matches("echo [sudo] password for x: done"));
  EXPECT_FALSE(p.matches("Continue? [Y/n] "));
  EXPECT_FALSE(p.matches(""));
  EXPECT_FALSE(PasswordPrompts().matches("Password for admin@db: "));
}

TEST(PasswordPrompts, AnyPromptForASecretIsNotRecorded) {
  PasswordPrompts p;
  for (const char* s : {"Password: ", "[sudo] password for x: ", "Enter passphrase for key '/k':",
                        "Verification code: ", "Enter PIN for 'token':", "root@db's password:"})
    EXPECT_TRUE(p.asks_secret(s)) << s;
  for (const char* s : {"Continue? [Y/n] ", "$ ", "passwords.txt", "Password changed.", ""})
    EXPECT_FALSE(p.asks_secret(s)) << s;
}

TEST(PasswordPrompts, ABadPatternIsNamed) {
  for (const char* bad : {"(unclosed", R"((a)\1)", "(?=look)ahead"}) {
    try {
      PasswordPrompts p({"ok", bad});
      FAIL() << "expected an error for " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(PasswordPrompts, HostileLinesAreLinearAndBounded) {
  // std::regex overflowed the stack on this (issue 20, item 2).
  PasswordPrompts p({R"(.*(a|b)*.*:)", R"((x+x+)+y)"});
  std::string flood = "[sudo] password for x:" + std::string(8000, '\x01');
  std::string near = "[sudo] password for " + std::string(PasswordPrompts::kMaxPromptBytes, 'a');
  std::string evil = std::string(1000, 'x');  // exponential for a backtracking engine
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(p.matches(flood));
  EXPECT_FALSE(p.matches(near + ":"));  // over the bound: not a prompt
  EXPECT_FALSE(p.matches(evil));
  EXPECT_TRUE(p.matches("[sudo] password for " + std::string(900, '\x01') + ":"));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

}  // namespace dust::shell
