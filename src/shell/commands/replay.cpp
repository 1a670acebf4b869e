// replay [target] — what nodes printed while no dust was attached to the server.
#include <set>

#include "shell/attachments.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "util/error.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  Attachments* at = ctx.attachments();
  if (!at) throw Error("replay: this dust runs without a server: nothing is kept while detached");
  std::set<std::string> keys;
  if (!a.target.empty()) {
    for (const Node* n : a.nodes) keys.insert(n->id);
    if (keys.empty()) throw Error("replay: no node matches '" + a.target + "'");
  }
  std::string text = at->replay(keys);
  ctx.out().out(text.empty() ? "nothing was printed while no dust was attached\n" : text);
  return 0;
}

}  // namespace

void register_replay(CommandTable& t) {
  t.add({.name = "replay",
         .usage = "replay [target]",
         .summary = "show again what nodes printed while no dust was attached to the server",
         .help = "Output that arrives while detached is kept per node (the last 1 MiB of each; "
                 "what was dropped is counted) and shown at the next attach; replay shows it "
                 "again, for the nodes of a target or all.",
         .target = TargetKind::Optional,
         .max_args = 0,
         .complete = {CompleteKind::Nodes},
         .run = run});
}

}  // namespace dust::shell
