// logdir [DIR|off] — per-node transcripts (shell/transcript.h).
#include <fmt/format.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/transcript.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  if (!a.words.empty()) set_log_dir(ctx, a.words[0] == "off" ? "off" : ctx.local_path(a.words[0]));
  std::string dir = log_dir(ctx);
  if (a.words.empty() || !dir.empty())
    ctx.out().out(dir.empty() ? "logdir off\n" : fmt::format("logdir {}\n", dir));
  return 0;
}

}  // namespace

void register_logdir(CommandTable& t) {
  t.add({.name = "logdir",
         .usage = "logdir [DIR|off]",
         .summary = "record per-node transcripts in DIR (off: stop), or show where",
         .help = "Each node's DIR/<node>.log gets every line sent ($ command, > input), output "
                 "(| line), exit status (= exit N), errors (!) and notices (#), each with a UTC "
                 "timestamp; DIR/last.ok and DIR/last.failed list the nodes of the last command. "
                 "Files are created 0600, DIR 0700. Also `dust --log-dir DIR` and `log_dir:` in "
                 "config.yaml.",
         .max_args = 1,
         .complete = {CompleteKind::Files},
         .run = run});
}

}  // namespace dust::shell
