// feed_stdin (remote_stdin.h).
#include "shell/remote_stdin.h"

#include <openssl/evp.h>

#include <vector>

#include "transfer/link.h"

namespace dust::shell {
namespace {

// Base64 in lines of 76 characters (what base64(1) -d reads), through OpenSSL.
std::string base64_lines(const std::string& data) {
  std::string out;
  constexpr size_t kIn = 57;  // 57 bytes → 76 characters
  std::vector<unsigned char> buf(4 * ((kIn + 2) / 3) + 1);
  for (size_t at = 0; at < data.size(); at += kIn) {
    size_t n = std::min(kIn, data.size() - at);
    int len = EVP_EncodeBlock(buf.data(), reinterpret_cast<const unsigned char*>(data.data() + at),
                              static_cast<int>(n));
    out.append(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(len));
    out += '\n';
  }
  return out;
}

}  // namespace

std::string feed_stdin(const std::string& command, const std::string& data,
                       const std::string& nonce) {
  // The braces keep the command in the current shell; the newline before `}` lets it end in a
  // comment. One outer group makes the whole a single command: the shell shows its prompt (dust's
  // end-of-command marker) once, after it, never between the here-document and the command. The
  // status of the command is the line's status.
  if (data.empty()) {
    // One line when it can be (a line of several costs the shell's continuation prompts): the
    // command ends in `;`/`&` (its own terminator) or gets one, unless it holds a comment or a
    // line break, which only a newline before `}` closes safely.
    size_t end = command.find_last_not_of(" \t");
    char last = end == std::string::npos ? ';' : command[end];
    if (command.find_first_of("#\n") == std::string::npos)
      return "{ " + command.substr(0, end + 1) + (last == ';' || last == '&' ? " " : "; ") +
             "} </dev/null";
    return "{ " + command + "\n} </dev/null";
  }
  // The file is removed as soon as the command's stdin is open: nothing is left even when the
  // command exits the shell or is interrupted.
  std::string eof = "DUST_STDIN_" + nonce;
  return "{ __dust_in=$(mktemp) && base64 -d > \"$__dust_in\" <<'" + eof + "'\n" +
         base64_lines(data) + eof + "\n{ rm -f -- \"$__dust_in\"; unset __dust_in; " + command +
         "\n} < \"$__dust_in\"\n}";
}

std::string feed_stdin_file(const std::string& command, const std::string& path) {
  // The redirection opens the file before the group runs, so the `rm` inside it leaves the command
  // its open stdin and no file behind, even when the command is interrupted or exits the shell.
  // The file exists before this line is parsed: `eval` keeps a command that does not parse (an
  // unbalanced quote, a stray `}`) from stopping the `rm` too; its error is the command's.
  return "{ rm -f -- " + transfer::shell_quote(path) + "; eval " + transfer::shell_quote(command) +
         "; } < " + transfer::shell_quote(path);
}

}  // namespace dust::shell
