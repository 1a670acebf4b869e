// loglevel [info|debug] — log verbosity.
#include <fmt/format.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "util/error.h"
#include "util/log.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  if (a.words.empty()) {
    static const char* names[] = {"error", "warn", "info", "debug"};
    ctx.out().out(fmt::format("loglevel {}\n", names[static_cast<int>(log::level())]));
    return 0;
  }
  log::Level l;
  if (!log::parse_level(a.words[0], &l))
    throw Error(fmt::format("unknown log level '{}' (use info or debug)", a.words[0]));
  log::set_level(l);
  return 0;
}

}  // namespace

void register_loglevel(CommandTable& t) {
  t.add({.name = "loglevel",
         .usage = "loglevel [info|debug]",
         .summary = "show or set log verbosity",
         .max_args = 1,
         .run = run});
}

}  // namespace dust::shell
