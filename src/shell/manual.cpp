// man_page and bash_completion (see manual.h).
#include "shell/manual.h"

#include <fmt/format.h>

#include "shell/command_table.h"

namespace dust::shell {
namespace {

// Text for man(7): backslashes escaped, a line never starting with a control character, dashes of
// options as real minus signs (what a reader copies must be what dust parses).
std::string roff(const std::string& s, bool minus = false) {
  std::string out;
  bool line_start = true;
  for (char c : s) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    if (c == '\\')
      out += "\\e";
    else if (c == '-' && minus)
      out += "\\-";
    else
      out += c;
  }
  return out;
}

std::string option_tag(const CliOption& o) {
  std::string tag;
  for (const auto& n : o.names)
    tag += (tag.empty() ? "" : ", ") + ("\\fB" + roff(n, true) + "\\fR");
  if (!o.value.empty()) tag += " \\fI" + roff(o.value) + "\\fR";
  return tag;
}

constexpr const char* kDescription = R"(.SH DESCRIPTION
dust is an ssh cluster shell for EC2. From one prompt you see and select EC2 nodes by name, range,
property or tag; start, stop, terminate and tag them; and drive them over ssh: each node keeps one
persistent shell, so cd, variables and background jobs carry over from one command line to the next.
.PP
With no words and a terminal on standard input, dust is an interactive shell (prompt
\fBdust:\fIcluster or region\fB$\fR). With words, it runs them as one command line, waits for every
node and exits. With a file or pipe on standard input, it runs its lines in order.
)";

constexpr const char* kTargets = R"(.SH TARGETS
A target is one word; empty or \fB*\fR means every node of the working set.
.TP
\fBworker*\fR, \fBw?rker1\fR
names by glob (the whole name, case-sensitive); unnamed nodes by id
.TP
\fBworker[0-20]\fR, \fBnode[01-10]\fR, \fBworker[1,3,5-7]\fR
numeric ranges and lists; padding is kept
.TP
\fBstate=running\fR, \fBtype=t2.*\fR, \fBip=1.2.*\fR
properties, with globs on the value (state, id, name, type, image, key, ip, int_ip, dns,
private_dns, vpc, subnet, az, launch_time, cluster, username)
.TP
\fBtags=env:dev\fR
tags (split at the last colon; quote a key that has colons)
.TP
\fBmaster,worker[0-2]\fR, \fBworker*,!worker3\fR
unions and exclusions
.PP
A malformed target is an error naming the problem, and nothing is done. Two nodes with the same Name
are shown as \fBweb(i-...)\fR, and that is a target naming one of them.
A line that is no dust command runs in the local shell; \fB!\fIcmd\fR forces it.
)";

constexpr const char* kFiles = R"(.SH FILES
.TP
\fI$DUST_HOME\fR (default \fI~/.dustcluster\fR)
dust's state: \fBconfig.yaml\fR (region, ssh defaults, key map, \fBlog_dir\fR), \fBhistory\fR,
\fBclusters/\fIname\fB.yaml\fR (cluster files), \fBtemplates/\fR, \fBkeys/\fIKeyName\fB.pem\fR,
\fBcommands/*.lua\fR (drop-in commands)
.TP
\fIPREFIX\fB/share/dust/commands/*.lua\fR
the Lua commands shipped with dust, found relative to the installed binary
.TP
\fI~/.ssh/config\fR, \fI~/.ssh/known_hosts\fR
ssh settings (user, port, keys, ProxyJump) and host keys, as OpenSSH reads them (\fB\-F\fR names
another config)
.TP
\fI~/.aws/credentials\fR, \fI~/.aws/config\fR
AWS credentials, profiles and region
.TP
\fIDIR\fB/\fInode\fB.log\fR, \fIDIR\fB/last.ok\fR, \fIDIR\fB/last.failed\fR
transcripts (\fB\-\-log\-dir\fR, \fBlogdir\fR): per node, every line sent, output line, exit status
and error with a UTC timestamp; the nodes of the last command that succeeded or failed
)";

constexpr const char* kEnvironment = R"(.SH ENVIRONMENT
.TP
.B DUST_HOME
where dust keeps its state (default \fI~/.dustcluster\fR)
.TP
.B DUST_COMMANDS_PATH
colon-separated directories of Lua commands, instead of the installed and build-tree ones
.TP
\fBAWS_ACCESS_KEY_ID\fR, \fBAWS_SECRET_ACCESS_KEY\fR, \fBAWS_SESSION_TOKEN\fR, \fBAWS_PROFILE\fR
credentials, as the AWS CLI reads them (also \fBAWS_SHARED_CREDENTIALS_FILE\fR, \fBAWS_CONFIG_FILE\fR)
.TP
\fBAWS_REGION\fR, \fBAWS_DEFAULT_REGION\fR
the region
.TP
\fBAWS_ENDPOINT_URL\fR, \fBAWS_ENDPOINT_URL_EC2\fR, \fBAWS_ENDPOINT_URL_CLOUDFORMATION\fR
other endpoints (a local or private EC2)
.TP
.B SSH_AUTH_SOCK
the ssh agent, tried after the configured keys
.TP
.B NO_COLOR
set: no colours in node prefixes
)";

constexpr const char* kExit = R"(.SH EXIT STATUS
A command line or script ends with 0 when everything succeeded; with the nodes' exit status when they
failed alike, else 1; 255 when a node could not be reached; 2 for a usage error; 130 when
interrupted.
.SH SEE ALSO
.BR ssh (1),
.BR ssh_config (5)
)";

}  // namespace

std::string man_page(const CommandTable& table, const std::vector<CliOption>& options) {
  std::string s = fmt::format(".TH DUST 1 \"\" \"dust {}\" \"User Commands\"\n", DUST_VERSION);
  s += ".SH NAME\ndust \\- an ssh cluster shell for EC2\n";
  s += ".SH SYNOPSIS\n.B dust\n[\\fIoptions\\fR]\n.br\n.B dust\n[\\fIoptions\\fR] "
       "\\fIcommand\\fR [\\fIargs\\fR ...]\n.br\n.B dust\n[\\fIoptions\\fR] < \\fIscript\\fR\n";
  s += kDescription;
  s += ".SH OPTIONS\n";
  for (const auto& o : options) s += ".TP\n" + option_tag(o) + "\n" + roff(o.help) + "\n";
  s +=
      ".SH COMMANDS\nEvery command works at the prompt, as \\fBdust\\fR's words and in a script.\n";
  for (const auto& c : table.all()) {
    s += ".TP\n\\fB" + roff(c.usage) + "\\fR\n" + roff(c.summary) + "\n";
    if (!c.aliases.empty()) {
      std::string names;
      for (const auto& a : c.aliases) names += (names.empty() ? "" : ", ") + roff(a);
      s += ".br\nAliases: " + names + "\n";
    }
    for (const auto& f : c.flags) {
      std::string tag = f.short_name.empty() ? f.long_name : f.short_name + ", " + f.long_name;
      s += ".br\n\\fB" + roff(tag, true) + "\\fR: " + roff(f.help) + "\n";
    }
    // Help laid out in lines of its own (a table of forms) keeps them; prose is filled.
    if (c.help.find('\n') != std::string::npos)
      s += ".br\n.nf\n" + roff(c.help) + "\n.fi\n";
    else if (!c.help.empty())
      s += ".br\n" + roff(c.help) + "\n";
  }
  s += kTargets;
  s += kFiles;
  s += kEnvironment;
  s += kExit;
  return s;
}

std::string bash_completion(const CommandTable& table, const std::vector<CliOption>& options) {
  std::string all, with_value, value_cases;
  for (const auto& o : options) {
    std::string names;
    for (const auto& n : o.names) {
      all += (all.empty() ? "" : " ") + n;
      names += (names.empty() ? "" : "|") + n;
    }
    if (o.value.empty()) continue;
    with_value += (with_value.empty() ? "" : "|") + names;
    std::string action = o.value == "DIR"     ? "compgen -d -- \"$cur\""
                         : o.value == "LEVEL" ? "compgen -W 'info debug' -- \"$cur\""
                                              : "compgen -f -- \"$cur\"";
    value_cases += fmt::format("    {}) COMPREPLY=($({})); return ;;\n", names, action);
  }
  std::string commands;
  for (const auto& n : table.names())
    if (n[0] != '@') commands += (commands.empty() ? "" : " ") + n;
  return fmt::format(
      R"(# bash completion for dust (generated from its command table by `dust --bash-completion`).
_dust() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} i
  COMPREPLY=()
  case $prev in
{}  esac
  # After dust's options, the first word is a command; what follows it is the command's own.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${{COMP_WORDS[i]}} in
      {}) ((i++)) ;;
      -*) ;;
      *) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
  done
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W '{}' -- "$cur"))
  else
    COMPREPLY=($(compgen -W '{}' -- "$cur"))
  fi
}}
complete -o filenames -F _dust dust
)",
      value_cases, with_value.empty() ? "--" : with_value, all, commands);
}

}  // namespace dust::shell
