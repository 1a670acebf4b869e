// Tests for the password prompt patterns: sudo's own, ssh.password_prompts, a bad pattern refused.
#include "shell/sudo.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace dust::shell {

TEST(PasswordPrompts, SudoPromptAndConfiguredPatterns) {
  auto p = password_prompts({R"(Password for \S+: ?)", "Enter passphrase:"});
  EXPECT_TRUE(is_password_prompt(p, "[sudo] password for ec2-user: "));
  EXPECT_TRUE(is_password_prompt(p, "[sudo] password for dusty:"));
  EXPECT_TRUE(is_password_prompt(p, "Password for admin@db: "));
  EXPECT_TRUE(is_password_prompt(p, "Enter passphrase:  "));
  EXPECT_FALSE(is_password_prompt(p, "echo [sudo] password for x: done"));
  EXPECT_FALSE(is_password_prompt(p, "Continue? [Y/n] "));
  EXPECT_FALSE(is_password_prompt(password_prompts({}), "Password for admin@db: "));
}

TEST(PasswordPrompts, ABadPatternIsNamed) {
  try {
    password_prompts({"ok", "(unclosed"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'(unclosed'"), std::string::npos) << e.what();
  }
}

}  // namespace dust::shell
