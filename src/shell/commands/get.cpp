// get [-r] [-f] [-s] <target> <remote path or glob> [local dir] — parallel SFTP download, one copy per
// node at <dir>/<node>/<file> (-s: <dir>/<file>.<node>); an existing local file is kept unless -f.
#include <fmt/format.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/transfer_run.h"
#include "transfer/get_job.h"
#include "util/error.h"

namespace dust::shell {
namespace {

std::string unquote(std::string w) {
  if (w.size() >= 2 && (w[0] == '\'' || w[0] == '"') && w.back() == w[0]) return w.substr(1, w.size() - 2);
  return w;
}

constexpr const char* kUsage = "get [-r] [-f] [-s] <target> <remote path or glob> [local dir]";

int run(Context& ctx, Args& a) {
  if (a.words.size() < 2 || a.words.size() > 3) throw Error(fmt::format("usage: {}", kUsage));
  std::string target = a.words[0], remote = unquote(a.words[1]);
  std::string local = a.words.size() == 3 ? unquote(a.words[2]) : ".";
  auto running = ctx.select_running(target);

  transfer::GetJob job(remote, local, a.has("--recursive"), a.has("--force"), a.has("--suffix"));
  return run_transfer(ctx, running, job, true) ? 1 : 0;
}

}  // namespace

void register_get(CommandTable& t) {
  t.add({.name = "get",
         .aliases = {},
         .usage = kUsage,
         .summary = "download a file from each node in parallel over SFTP to <dir>/<node>/<file>",
         .help = "A glob in the last path component is matched on each node. Directories need -r. An "
                 "existing local file is never replaced without -f. The local directory defaults to '.'.",
         .flags = {{"-r", "--recursive", "copy directories recursively"},
                   {"-f", "--force", "overwrite existing local files"},
                   {"-s", "--suffix", "name copies <dir>/<file>.<node> instead of <dir>/<node>/<file>"}},
         .target = TargetKind::None,
         .complete = CompleteKind::Nodes,
         .run = run});
}

}  // namespace dust::shell
