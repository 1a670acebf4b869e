// get [-r] [-f] [-s] <target> <remote path or glob> [local dir] — parallel download, one copy
// per node at <dir>/<node>/<file> (-s: <dir>/<file>.<node>); an existing local file is kept unless
// -f.
#include <fmt/format.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/transfer_run.h"
#include "transfer/get_job.h"
#include "util/error.h"

namespace dust::shell {
namespace {

constexpr const char* kUsage = "get [-r] [-f] [-s] <target> <remote path or glob> [local dir]";

int run(Context& ctx, Args& a) {
  const std::string& remote = a.words[0];
  std::string local = ctx.local_path(a.words.size() == 2 ? a.words[1] : ".");

  transfer::GetJob job(remote, local, a.has("--recursive"), a.has("--force"), a.has("--suffix"));
  return transfer_status(ctx, run_transfer(ctx, a.nodes, job, true));
}

}  // namespace

void register_get(CommandTable& t) {
  t.add(
      {.name = "get",
       .aliases = {},
       .usage = kUsage,
       .summary = "download a file from each node in parallel over ssh to <dir>/<node>/<file>",
       .help =
           "A glob in the last path component is matched on each node. Directories need -r. An "
           "existing local file is never replaced without -f. The local directory defaults to '.'.",
       .flags = {{"-r", "--recursive", "copy directories recursively"},
                 {"-f", "--force", "overwrite existing local files"},
                 {"-s", "--suffix",
                  "name copies <dir>/<file>.<node> instead of <dir>/<node>/<file>"}},
       .target = TargetKind::Required,
       .running_only = true,
       .min_args = 1,
       .max_args = 2,
       .complete = {CompleteKind::Nodes, CompleteKind::None, CompleteKind::Files},
       .run = run});
}

}  // namespace dust::shell
