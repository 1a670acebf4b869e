// PromptScanner: marker recognition over arbitrary chunk boundaries.
#include "ssh/prompt_scanner.h"

#include <fmt/format.h>

#include <random>

namespace dust::ssh {

std::string make_nonce() {
  std::random_device rd;
  std::mt19937_64 g((uint64_t(rd()) << 32) ^ rd());
  return fmt::format(
      "\x1e"
      "DuSt{:016x}",
      g());
}

std::string shell_setup_line(const std::string& nonce, int attempt) {
  // The nonce's leading 0x1e is produced by printf so that the line itself stays plain ASCII; the
  // `$?` stays single-quoted so that it is expanded at each prompt, not now. The line ends with a
  // status of its own (kSetupStatusBase + attempt) so that its marker can be told apart from a
  // command's when the line had to be sent more than once. `-opost`: line mode splits on "\n" and
  // drops
  // "\r" itself, and the pty's output processing ("\n" → "\r\n") costs the remote kernel ~8× the
  // throughput of a flooding command (raw mode turns it back on).
  // zsh (a login shell some users pick) needs PROMPT_SUBST for `$?`, no line editor (ZLE echoes by
  // itself), no end-of-line mark and no prompt hooks; its syntax hides in `eval` so dash can parse
  // the line.
  // `-icanon`: in canonical mode the pty keeps at most 4,095 bytes of a line and drops the rest, so
  // a longer command arrived cut; the shells (no line editor here) split lines themselves, and a
  // full pty input queue just makes sshd wait (ssh flow control). ISIG stays: ^C still interrupts.
  // PS2 is a marker too (kContinuationStatus): dust learns that a line was an incomplete command.
  // No history, as `ssh host cmd` keeps none: bash appends every line of a multi-line command to
  // its history entry (a one-shot's stdin here-document made that quadratic: 1 MB took 35 s), and
  // the stdin it carries must not land in ~/.bash_history when the shell exits. Each tried in a
  // subshell first: an error in `set` or `unset` (dash has no such option; a readonly HISTFILE)
  // would abort the rest of the line in dash and zsh.
  std::string tail = nonce.substr(1);
  return fmt::format(
      " stty -echo -opost -icanon min 1 time 0 2>/dev/null; set +o emacs +o vi 2>/dev/null;"
      " unset PROMPT_COMMAND 2>/dev/null; (unset HISTFILE) 2>/dev/null && unset HISTFILE;"
      " (set +o history) 2>/dev/null && set +o history;"
      " [ -n \"$ZSH_VERSION\" ] && eval 'setopt PROMPT_SUBST NO_PROMPT_SP NO_PROMPT_CR NO_ZLE;"
      " precmd_functions=(); preexec_functions=(); unset RPROMPT RPS1' 2>/dev/null;"
      " PS2=\"$(printf '\\036'){0}:$([ -n \"$ZSH_VERSION\" ] && echo {1} || echo {2}):\";"
      " PS1=\"$(printf '\\036'){0}:\"'$?:'; $(exit {3})\n",
      tail, kZshContinuationStatus, kContinuationStatus, kSetupStatusBase + std::min(attempt, 9));
}

std::string guarded_line(const std::string& nonce, const std::string& line) {
  // `case` needs no command of its own (no `[`); the newline before `;;` lets the line end in a
  // comment. Its status is the line's.
  return fmt::format("case $PS1 in *{}*) {}\n;; esac", nonce.substr(1), line);
}

void PromptScanner::feed(std::string_view data, const OutFn& out, const DoneFn& done) {
  if (held_.empty()) return scan(data, out, done);
  std::string buf = std::move(held_);
  held_.clear();
  buf.append(data);
  scan(buf, out, done);
}

void PromptScanner::scan(std::string_view buf, const OutFn& out, const DoneFn& done) {
  size_t from = 0;  // start of bytes not yet passed on
  size_t search = 0;
  for (;;) {
    size_t pos = buf.find(nonce_, search);
    if (pos == std::string_view::npos) break;
    // After the nonce: ':' 1-3 digits ':'.
    size_t i = pos + nonce_.size();
    bool complete = false, malformed = false;
    int status = 0, digits = 0;
    if (i >= buf.size()) {
    } else if (buf[i] != ':') {
      malformed = true;
    } else {
      for (++i; i < buf.size(); ++i) {
        char c = buf[i];
        if (c >= '0' && c <= '9' && digits < 3) {
          status = status * 10 + (c - '0');
          ++digits;
        } else if (c == ':' && digits > 0) {
          complete = true;
          ++i;
          break;
        } else {
          malformed = true;
          break;
        }
      }
    }
    if (malformed) {  // not ours after all: plain text
      search = pos + 1;
      continue;
    }
    if (!complete) {  // the marker continues in the next chunk
      if (pos > from) out(buf.substr(from, pos - from));
      held_.assign(buf.substr(pos));
      return;
    }
    if (pos > from) out(buf.substr(from, pos - from));
    done(status);
    from = search = i;
  }
  // Hold back the longest tail that is a proper prefix of the nonce.
  size_t keep = 0;
  size_t max = std::min(nonce_.size() - 1, buf.size() - from);
  for (size_t k = max; k > 0; --k)
    if (buf.compare(buf.size() - k, k, nonce_, 0, k) == 0) {
      keep = k;
      break;
    }
  if (buf.size() - keep > from) out(buf.substr(from, buf.size() - keep - from));
  held_.assign(buf.substr(buf.size() - keep));
}

}  // namespace dust::ssh
