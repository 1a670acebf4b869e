// Password prompt detection on node output (sudo's `[sudo] password for <user>:` and the patterns
// of ssh.password_prompts). Node bytes are hostile: the match runs on RE2 (a finite automaton, time
// linear in the input, no backtracking and no recursion on the input's length; std::regex recursed
// once per byte and a prompt followed by 8,000 \001 bytes overflowed the stack), over at most the
// last kMaxPromptBytes of the text a terminal shows (after the last carriage return).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace dust::shell {

class PasswordPrompts {
 public:
  // A partial line longer than this is output, not a prompt: never matched.
  static constexpr size_t kMaxPromptBytes = 1024;

  // sudo's prompt plus `extra` (ssh.password_prompts): RE2 regular expressions, the ECMAScript
  // syntax they had before minus backreferences and lookaround (RE2 cannot run those in linear
  // time), each matched against the whole partial line without trailing blanks. Throws dust::Error
  // naming a pattern that does not compile.
  explicit PasswordPrompts(const std::vector<std::string>& extra = {});
  ~PasswordPrompts();
  PasswordPrompts(PasswordPrompts&&) noexcept;
  PasswordPrompts& operator=(PasswordPrompts&&) noexcept;

  bool matches(std::string_view partial) const;

  // Whether a partial line asks for a secret of any kind, the program most likely reading it with
  // echo off (`Password:` of su, `Enter passphrase for key …:`, `Verification code:`, `PIN:`):
  // what the person types to it next is kept out of history and transcripts. Wider than matches():
  // it decides only what is not recorded, never where a password goes.
  bool asks_secret(std::string_view partial) const;

 private:
  std::vector<std::unique_ptr<re2::RE2>> patterns_;
  std::unique_ptr<re2::RE2> secret_;
};

}  // namespace dust::shell
