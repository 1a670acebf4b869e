// put [-r] <target> <local...> [remote dir] (also the seed's `put data.dat worker* /opt/data`) —
// parallel SFTP upload over each node's persistent session, atomic per file (temp + rename).
#include <sys/stat.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/transfer_run.h"
#include "transfer/put_job.h"
#include "util/error.h"

namespace dust::shell {
namespace {

constexpr const char* kUsage = "put [-r] <target> <local...> [remote dir]";

std::string unquote(std::string w) {
  if (w.size() >= 2 && (w[0] == '\'' || w[0] == '"') && w.back() == w[0]) return w.substr(1, w.size() - 2);
  return w;
}

bool local_exists(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0;
}

bool selects_nodes(Context& ctx, const std::string& w) {
  try {
    return !ctx.select(w).empty();
  } catch (const Error&) {
    return false;
  }
}

int run(Context& ctx, Args& a) {
  std::vector<std::string> w;
  for (auto& x : a.words) w.push_back(unquote(x));
  if (w.size() < 2) throw Error(std::string("usage: ") + kUsage);
  std::string target, remote;
  std::vector<std::string> locals;
  if (local_exists(w[0]) && !selects_nodes(ctx, w[0])) {
    // The seed's order: put data.dat worker* /opt/data
    if (w.size() > 3) throw Error("usage: put <local> <target> [remote dir]  (or put <target> <local...> [remote dir])");
    locals = {w[0]};
    target = w[1];
    if (w.size() == 3) remote = w[2];
  } else {
    target = w[0];
    locals.assign(w.begin() + 1, w.end());
    // With two or more words the last names the remote directory, unless it is a local file.
    struct stat st{};
    if (locals.size() >= 2 && !(stat(locals.back().c_str(), &st) == 0 && S_ISREG(st.st_mode))) {
      remote = locals.back();
      locals.pop_back();
    }
  }
  auto files = transfer::expand_local(locals, a.has("--recursive"));

  auto running = ctx.select_running(target);

  transfer::PutJob job(std::move(files), remote);
  return run_transfer(ctx, running, job, true) ? 1 : 0;
}

}  // namespace

void register_put(CommandTable& t) {
  t.add({.name = "put",
         .aliases = {},
         .usage = kUsage,
         .summary = "upload files to nodes in parallel over SFTP (atomic: temp name, then rename)",
         .help = "Local paths may be globs; directories need -r. The remote directory defaults to the home "
                 "directory. The seed's order `put data.dat worker* /opt/data` works too. Modes are kept.",
         .flags = {{"-r", "--recursive", "copy directories recursively"}},
         .target = TargetKind::None,
         .complete = CompleteKind::Nodes,
         .run = run});
}

}  // namespace dust::shell
