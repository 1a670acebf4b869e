// help [command] — generated from the command table.
#include <fmt/format.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "util/error.h"

namespace dust::shell {
namespace {

std::string describe(const Command& c) {
  std::string s = fmt::format("usage: {}\n  {}\n", c.usage, c.summary);
  if (!c.aliases.empty()) {
    s += "  aliases:";
    for (const auto& a : c.aliases) s += " " + a;
    s += "\n";
  }
  for (const auto& f : c.flags)
    s +=
        fmt::format("  {:<16} {}\n",
                    f.short_name.empty() ? f.long_name : f.short_name + ", " + f.long_name, f.help);
  if (!c.help.empty()) s += "\n" + c.help + "\n";
  return s;
}

int run(Context& ctx, Args& a) {
  const auto& table = CommandTable::instance();
  if (!a.words.empty()) {
    std::string name = a.words[0];
    // `help @web*` is help for @, `help @@web*` for @@.
    if (name.size() > 1 && name[0] == '@') name = name.rfind("@@", 0) == 0 ? "@@" : "@";
    const Command* c = table.find(name);
    if (!c) throw Error(fmt::format("no such command '{}' (type help for the list)", a.words[0]));
    ctx.out().out(describe(*c));
    return 0;
  }
  std::string s = "dust commands (help CMD for details):\n";
  // Usages up to kColumn wide share one column; a longer one gets its own line and its summary
  // starts the next line in that column, so every summary lines up.
  constexpr size_t kColumn = 36;
  for (const auto& c : table.all()) {
    if (c.usage.size() <= kColumn)
      s += fmt::format("  {:<{}} {}\n", c.usage, kColumn, c.summary);
    else
      s += fmt::format("  {}\n  {:<{}} {}\n", c.usage, "", kColumn, c.summary);
  }
  s += "\nTargets: name globs (worker*), ranges (worker[0-3,7]), key=value (state=running), "
       "tags=key:value,\nunions (master,worker*) and exclusions (!worker3); :failed and :ok are "
       "the nodes where the last\n@, @@, put or get failed or succeeded. "
       "Anything else runs in the local shell; !cmd forces it.\n";
  ctx.out().out(s);
  return 0;
}

}  // namespace

void register_help(CommandTable& t) {
  t.add({.name = "help",
         .aliases = {"?"},
         .usage = "help [command]",
         .summary = "list commands, or show one command's usage",
         .max_args = 1,
         .complete = {CompleteKind::Commands},
         .run = run});
}

}  // namespace dust::shell
