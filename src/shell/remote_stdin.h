// A one-shot's stdin for its nodes (issue 19, as clush does): `echo hi | dust @w cat` gives every
// node's command "hi" and then end of file; `< /dev/null` gives end of file at once. The persistent
// shell's own input is a pty that must never see leftover bytes (the next command would read them),
// so the bytes travel base64-encoded in a here-document into a private temporary file on the node,
// which becomes the command's stdin, in the same shell (its `cd` and variables still count).
#pragma once
#include <cstddef>
#include <string>

namespace dust::shell {

// The most stdin a one-shot passes on (larger data: `put` it).
constexpr size_t kMaxStdin = 8u << 20;
// Up to this much travels in the line itself (feed_stdin: no round trip added). More goes first
// to a temporary file on each node over an exec channel (transfer/stdin_job.h, feed_stdin_file):
// the shell reads a here-document through its parser (zsh a byte at a time: ~5 s per MB).
constexpr size_t kInlineStdin = 64u << 10;

// The line to send instead of `command` so that it reads `data` and then end of file. `nonce`
// makes the here-document's terminator unique (hex, from the caller).
std::string feed_stdin(const std::string& command, const std::string& data,
                       const std::string& nonce);

// The line to send instead of `command` so that it reads the node's file `path` (already there:
// StdinJob) and then end of file. The file is removed as the command starts, whatever the command
// (it runs through `eval`: one that does not parse fails with the shell's syntax error).
std::string feed_stdin_file(const std::string& command, const std::string& path);

}  // namespace dust::shell
