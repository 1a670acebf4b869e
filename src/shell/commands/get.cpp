// get [-r] [-f] [-s] <target> <remote path or glob> [local dir] — parallel SFTP download, one copy per
// node at <dir>/<node>/<file> (-s: <dir>/<file>.<node>); an existing local file is kept unless -f.
#include <fmt/format.h>
#include <unistd.h>

#include "shell/command_table.h"
#include "shell/commands/at.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "transfer/engine.h"
#include "transfer/get_job.h"
#include "util/error.h"
#include "util/fold.h"

namespace dust::shell {
namespace {

std::string unquote(std::string w) {
  if (w.size() >= 2 && (w[0] == '\'' || w[0] == '"') && w.back() == w[0]) return w.substr(1, w.size() - 2);
  return w;
}

int run(Context& ctx, Args& a) {
  if (a.words.size() < 2 || a.words.size() > 3)
    throw Error("usage: get [-r] [-f] [-s] <target> <remote path> [local dir]");
  std::string target = a.words[0], remote = unquote(a.words[1]);
  std::string local = a.words.size() == 3 ? unquote(a.words[2]) : ".";
  auto running = ctx.select_running(target);

  transfer::GetJob job(remote, local, a.has("--recursive"), a.has("--force"), a.has("--suffix"));
  transfer::RunOptions opt;
  opt.progress = isatty(STDERR_FILENO) && !ctx.json();
  opt.out = [&](const std::string& s) { ctx.out().out(s); };
  opt.err = [&](const std::string& s) { ctx.out().err(s); };
  int failed = transfer::run(ssh_pool(ctx), endpoints_for(ctx, running), job, opt);
  if (failed) ctx.out().err(fmt::format("get failed on {} of {} node{}\n", failed, running.size(), running.size() == 1 ? "" : "s"));
  return failed ? 1 : 0;
}

}  // namespace

void register_get(CommandTable& t) {
  t.add({.name = "get",
         .aliases = {},
         .usage = "get [-r] [-f] [-s] <target> <remote path or glob> [local dir]",
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
