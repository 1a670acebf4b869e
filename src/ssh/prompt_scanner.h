// The shell protocol's reader: finds the per-session prompt marker `<nonce>:<status>:` in a node's
// byte stream (any chunk split) and separates it from command output (PRODUCT.md §5 hint).
//
// The remote PS1 is set to the marker (see shell_setup_line). bash and dash print PS1 only when the
// foreground command has finished, with `$?` expanded, so each marker = "command done, status N",
// and dust never needs to write anything of its own to the node's stdin. The marker is matched
// anywhere, not only at a line start: when the command's output did not end in a newline, the
// prompt follows it on the same line and the text before the marker is that output's last line.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace dust::ssh {

// A fresh random nonce: starts with a control character (0x1e) that ordinary text never ends with,
// so holding back a possible marker prefix practically never delays a prompt like `[Y/n] `.
std::string make_nonce();

// The line written to a fresh shell: echo off, non-canonical input (no 4,095-byte line limit), no
// line editing (no readline redraws or bracketed paste), no PROMPT_COMMAND, PS1 and PS2 = markers.
// Works in bash, dash and other POSIX sh. Its own marker carries status kSetupStatusBase + attempt
// (attempt 0..9). It may have to be sent again: a slow rc file (pyenv init...) can swallow what was
// typed before the shell was reading.
constexpr int kSetupStatusBase = 240;
// PS2 is the marker too, with this status (no exit status has three digits above 255): the shell
// waits for the rest of an incomplete command (an unbalanced quote).
constexpr int kContinuationStatus = 999;
// zsh's PS2 marker: without its line editor, zsh acts on ^C only once a newline follows.
constexpr int kZshContinuationStatus = 998;
inline bool is_continuation_status(int s) {
  return s == kContinuationStatus || s == kZshContinuationStatus;
}
std::string shell_setup_line(const std::string& nonce, int attempt = 0);
// `line` as sent right behind the first setup line (Session::pipeline): it runs only where that
// setup line ran (PS1 then holds the nonce), and is a no-op in a shell whose rc file ate it.
std::string guarded_line(const std::string& nonce, const std::string& line);
inline bool is_setup_status(int s) { return s >= kSetupStatusBase && s < kSetupStatusBase + 10; }

class PromptScanner {
 public:
  using OutFn = std::function<void(std::string_view)>;
  using DoneFn = std::function<void(int status)>;

  explicit PromptScanner(std::string nonce) : nonce_(std::move(nonce)) {}

  // Passes output bytes to `out` and each marker's status to `done`, in stream order. Bytes that
  // could be the start of a marker split across chunks are held until the next feed.
  void feed(std::string_view data, const OutFn& out, const DoneFn& done);
  const std::string& held() const { return held_; }
  const std::string& nonce() const { return nonce_; }

 private:
  void scan(std::string_view buf, const OutFn& out, const DoneFn& done);
  std::string nonce_;
  std::string held_;
};

}  // namespace dust::ssh
