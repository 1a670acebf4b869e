// output [gather|live] / output diff on|off — how `@` shows node output in this shell (the
// default comes from config.yaml's `output:`).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  Config& c = ctx.mutable_config();
  const auto& w = a.words;
  if (w.size() == 1 && (w[0] == "gather" || w[0] == "live")) {
    c.output_gather = w[0] == "gather";
  } else if (w.size() == 2 && w[0] == "diff" && (w[1] == "on" || w[1] == "off")) {
    c.output_diff = w[1] == "on";
  } else if (!w.empty()) {
    throw UsageError(
        fmt::format("unknown setting '{}' (gather, live, diff on, diff off)", fmt::join(w, " ")));
  }
  ctx.out().out(fmt::format("output {} (@ {}, @@ {}), diff {}\n",
                            c.output_gather ? "gather" : "live",
                            c.output_gather ? "gathers" : "streams",
                            c.output_gather ? "streams" : "gathers", c.output_diff ? "on" : "off"));
  return 0;
}

}  // namespace

void register_output(CommandTable& t) {
  t.add({.name = "output",
         .aliases = {},
         .usage = "output [gather|live|diff on|diff off]",
         .summary = "show or set how @ prints node output: live lines or gathered groups",
         .help = "gather: @ waits and prints identical nodes once (as @@ does), and @@ streams "
                 "live lines; live (the default): the other way round. diff off: @@ prints every "
                 "group in full instead of a diff against the largest. config.yaml sets the "
                 "default: output: gather, or output: {mode: gather, diff: false}.",
         .max_args = 2,
         .run = run});
}

}  // namespace dust::shell
