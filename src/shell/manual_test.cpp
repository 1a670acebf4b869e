// Tests for the generated man page and bash completion.
#include "shell/manual.h"

#include <gtest/gtest.h>

#include "shell/command_table.h"

namespace dust::shell {
namespace {

TEST(Manual, NamesEveryCommandOfTheTableAndEscapesRoff) {
  CommandTable t;
  register_builtins(t);
  t.add({.name = "dotty",
         .usage = "dotty [-x] target",
         .summary = "a summary",
         .help = ".starts with a dot\n'and a quote \\ backslash",
         .flags = {{"-x", "--extra", "more"}}});
  std::string page =
      man_page(t, {{{"-y", "--yes"}, "", "answer yes"}, {{"--log-dir"}, "DIR", "logs"}});
  for (const auto& c : t.all()) {
    std::string usage;
    for (char ch : c.usage) usage += ch == '\\' ? std::string("\\e") : std::string(1, ch);
    EXPECT_NE(page.find("\\fB" + usage + "\\fR"), std::string::npos) << c.name;
  }
  EXPECT_NE(page.find("\\fB\\-y\\fR, \\fB\\-\\-yes\\fR\nanswer yes"), std::string::npos);
  EXPECT_NE(page.find("\\fB\\-\\-log\\-dir\\fR \\fIDIR\\fR"), std::string::npos);
  EXPECT_NE(page.find("\\fB\\-x, \\-\\-extra\\fR: more"), std::string::npos);
  // A line of help text never starts a roff request.
  EXPECT_NE(page.find("\n\\&.starts with a dot\n\\&'and a quote \\e backslash"), std::string::npos);
  for (const char* s : {".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH COMMANDS", ".SH TARGETS",
                        ".SH FILES", ".SH ENVIRONMENT", ".SH EXIT STATUS"})
    EXPECT_NE(page.find(s), std::string::npos) << s;
}

TEST(Manual, BashCompletionListsOptionsValuesAndCommands) {
  CommandTable t;
  register_builtins(t);
  std::string s = bash_completion(
      t, {{{"-y", "--yes"}, "", ""}, {{"--log-dir"}, "DIR", ""}, {{"--loglevel"}, "LEVEL", ""}});
  EXPECT_NE(s.find("--log-dir) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("compgen -W 'info debug'"), std::string::npos);
  EXPECT_NE(s.find("compgen -W '-y --yes --log-dir --loglevel'"), std::string::npos);
  EXPECT_NE(s.find(" logdir "), std::string::npos);
  EXPECT_EQ(s.find("'@"), std::string::npos);  // @target is not completed as a command name
  EXPECT_NE(s.find("complete -o filenames -F _dust dust"), std::string::npos);
}

}  // namespace
}  // namespace dust::shell
