// PasswordPrompts (see password_prompt.h).
#include "shell/password_prompt.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include "util/error.h"

namespace dust::shell {

namespace {
std::unique_ptr<re2::RE2> compile(const std::string& pattern) {
  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(1 << 20);  // a pattern, not a program: a megabyte of automaton is plenty
  auto re = std::make_unique<re2::RE2>(pattern, o);
  if (!re->ok())
    throw Error(fmt::format("ssh.password_prompts: '{}' is not a regular expression: {}", pattern,
                            re->error()));
  return re;
}
}  // namespace

PasswordPrompts::PasswordPrompts(const std::vector<std::string>& extra) {
  patterns_.push_back(compile(R"(\[sudo\] password for [^:]+:)"));
  for (const auto& p : extra) patterns_.push_back(compile(p));
  secret_ = compile(
      R"((?i).*\b(password|passphrase|passcode|pin|otp|token|verification code|secret)\b[^:]{0,120}: ?)");
}

PasswordPrompts::~PasswordPrompts() = default;
PasswordPrompts::PasswordPrompts(PasswordPrompts&&) noexcept = default;
PasswordPrompts& PasswordPrompts::operator=(PasswordPrompts&&) noexcept = default;

namespace {
// What a terminal shows of the line, without trailing blanks; empty when too long to be a prompt.
std::string_view prompt_text(std::string_view partial) {
  if (size_t cr = partial.rfind('\r'); cr != std::string_view::npos) partial.remove_prefix(cr + 1);
  while (!partial.empty() && (partial.back() == ' ' || partial.back() == '\t'))
    partial.remove_suffix(1);
  return partial.size() > PasswordPrompts::kMaxPromptBytes ? std::string_view() : partial;
}
}  // namespace

bool PasswordPrompts::asks_secret(std::string_view partial) const {
  partial = prompt_text(partial);
  return !partial.empty() && (matches(partial) || re2::RE2::FullMatch(partial, *secret_));
}

bool PasswordPrompts::matches(std::string_view partial) const {
  partial = prompt_text(partial);
  if (partial.empty()) return false;
  for (const auto& re : patterns_)
    if (re2::RE2::FullMatch(partial, *re)) return true;
  return false;
}

}  // namespace dust::shell
