// get -r as one tar stream (see tree_fetch.h).
#include "transfer/tree_fetch.h"

#include <fmt/format.h>

#include "transfer/link.h"

namespace dust::transfer {

namespace {
// The tail both forms share: the names on stdin of `{ …; } | tar` (NUL-separated, "./"-relative),
// tar to fd 4 (the channel), the statuses of the list's maker and of tar through fd 3 ("f0", "t0").
// --no-recursion must come before -T (GNU tar applies it to the names after it).
constexpr const char* kTarTail =
    "| LC_ALL=C tar -c -f - --format=gnu --no-recursion --hard-dereference -h --null -T - "
    ">&4 3>&-; echo \"t$?\"; } 3>&1 ); "
    "case $s in f0*t0) exit 0;; esac; exit 1";
}  // namespace

std::string tree_command(const std::string& path) {
  // A file: fetch_command's script. A directory: its mode, then find | tar from inside it.
  std::string script =
      std::string(
          "f=$1; "
          "if [ ! -e \"$f\" ]; then "
          "case $(LC_ALL=C ls -d -- \"$f\" 2>&1 >/dev/null) in "
          "*ermission*) echo 'permission denied' >&2;; "
          "*) echo 'no such file or directory' >&2;; esac; "
          "exit 1; fi; "
          "if [ ! -d \"$f\" ]; then "
          "if [ ! -f \"$f\" ]; then echo 'not a regular file' >&2; exit 1; fi; "
          "if [ ! -r \"$f\" ]; then echo 'permission denied' >&2; exit 1; fi; "
          "l=$(LC_ALL=C ls -lnLd -- \"$f\") || exit 1; "
          "set -f; set -- $l; printf '%s %s\\n' \"$1\" \"$5\"; "
          "exec cat -- \"$f\"; fi; "
          "cd -- \"$f\" 2>/dev/null || { echo 'permission denied' >&2; exit 1; }; "
          "l=$(LC_ALL=C ls -lnLd .) || exit 1; "
          "set -f; set -- $l; printf '%s 0\\n' \"$1\"; "
          "exec 4>&1; "
          "s=$( { { LC_ALL=C find -L . -mindepth 1 -print0; echo \"f$?\" >&3; } ") +
      kTarTail;
  return fmt::format("sh -c {} sh {}", shell_quote(script), shell_quote(path));
}

std::string glob_command(const std::string& dir, const std::string& pattern, bool recursive) {
  // The node's sh expands the pattern (unquoted, IFS empty: no word splitting, no command
  // substitution) as "./<pattern>", so a match never starts with '-' and its leading dot stays
  // unmatched unless the pattern has one (as fnmatch's FNM_PERIOD). A directory is walked with -r,
  // else named and left out (as cp). The header is a directory's, mode 0: nothing to set.
  std::string script =
      std::string(
          "d=$1; p=$2; r=$3; "
          "if [ ! -d \"$d\" ]; then "
          "case $(LC_ALL=C ls -d -- \"$d\" 2>&1 >/dev/null) in "
          "*ermission*) echo 'permission denied' >&2;; '') echo 'not a directory' >&2;; "
          "*) echo 'no such directory' >&2;; esac; exit 1; fi; "
          "cd -- \"$d\" 2>/dev/null || { echo 'permission denied' >&2; exit 1; }; "
          "IFS=; set -- ./$p; "
          "if [ $# -eq 1 ] && [ ! -e \"$1\" ] && [ ! -L \"$1\" ]; then "
          "echo 'no match' >&2; exit 1; fi; "
          "printf 'd--------- 0\\n'; "
          "exec 4>&1; "
          "s=$( { { e=0; for f; do "
          "if [ -d \"$f\" ]; then "
          "if [ -n \"$r\" ]; then LC_ALL=C find -L \"$f\" -print0 || e=1; "
          "else printf '%s: is a directory (use -r), not copied\\n' \"$f\" >&2; e=1; fi; "
          "else printf '%s\\0' \"$f\"; fi; done; echo \"f$e\" >&3; } ") +
      kTarTail;
  return fmt::format("sh -c {} sh {} {} {}", shell_quote(script), shell_quote(dir),
                     shell_quote(pattern), recursive ? "r" : "''");
}

}  // namespace dust::transfer
