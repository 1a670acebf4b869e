// @@[target] command — `@` with gathered output: each node's output is kept until its command
// ends, then identical nodes print once under a `---- worker[0-2] (3) exit 0 ----` header. Under
// `output gather` (where `@` gathers) `@@` streams live instead.

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"

namespace dust::shell {

void register_atat(CommandTable& t) {
  t.add({.name = "@@",
         .aliases = {},
         .usage = "@@[target] command",
         .summary = "run a command like @, output gathered: identical nodes print once",
         .help = "Waits until the command ended on every node, then prints each group of nodes "
                 "with the same output and exit status once under a header "
                 "(---- worker[0-2] (3) exit 0 ----), largest group first. The largest group "
                 "prints in full, the others as a diff against it where that is shorter "
                 "(`output diff off` or output.diff: false in config.yaml prints them in full). "
                 "Ctrl-C prints what was gathered and leaves the commands running. Under "
                 "`output gather` (@ gathers), @@ streams live instead.",
         .flags = {},
         .target = TargetKind::Optional,
         .running_only = true,
         .acts = true,
         .min_args = 1,  // the command (raw mode, one node's terminal, has nothing to gather)
         .complete = {CompleteKind::Nodes},
         .run = [](Context& ctx, Args& a) { return run_at(ctx, a, !ctx.config().output_gather); },
         .raw = true});
}

}  // namespace dust::shell
