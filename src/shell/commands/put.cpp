// put [-r] <target> <local...> [remote dir] (also the seed's `put data.dat worker* /opt/data`) —
// parallel upload over each node's persistent session, atomic per file (temp + rename).
#include <sys/stat.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/transfer_run.h"
#include "transfer/put_job.h"
#include "util/error.h"

namespace dust::shell {
namespace {

constexpr const char* kUsage = "put [-r] <target> <local...> [remote dir | remote path]";

bool local_exists(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0;
}

// Which word is the target: the first, unless it is an existing local path that selects no node
// (the seed's order `put data.dat worker* /opt/data`), then the second.
int target_at(Context& ctx, const std::vector<std::string>& w) {
  if (w.size() >= 2 && local_exists(ctx.local_path(w[0])) && !ctx.selects_any(w[0])) return 1;
  return 0;
}

int run(Context& ctx, Args& a) {
  std::vector<std::string> locals = a.words;
  std::string remote;
  // With two or more words the last is the remote destination: always when it is absolute, under ~
  // or ends in '/' (`put x.conf /etc/x.conf` also when /etc/x.conf exists here); a relative word
  // that is a local file is one more file to upload (to the remote home).
  const std::string& last = locals.back();
  bool remote_form = !last.empty() && (last[0] == '/' || last[0] == '~' || last.back() == '/');
  struct stat st {};
  if (locals.size() >= 2 &&
      (remote_form || !(stat(ctx.local_path(last).c_str(), &st) == 0 && S_ISREG(st.st_mode)))) {
    remote = locals.back();
    locals.pop_back();
  }
  for (auto& l : locals) l = ctx.local_path(l);  // the client's directory, not the server's
  auto files = transfer::expand_local(locals, a.has("--recursive"));
  transfer::PutJob job(std::move(files), remote);
  return transfer_status(ctx, run_transfer(ctx, a.nodes, job, true));
}

}  // namespace

void register_put(CommandTable& t) {
  t.add({.name = "put",
         .aliases = {},
         .usage = kUsage,
         .summary = "upload files to nodes in parallel over ssh (atomic: temp name, then rename)",
         .help = "Local paths may be globs; directories need -r. The remote directory defaults to "
                 "the home directory. One file may get another name, as with cp: `put a.txt "
                 "/tmp/b.txt` (when /tmp/b.txt is no directory). The seed's order `put data.dat "
                 "worker* /opt/data` works too. Modes are kept. A node whose shell still runs a "
                 "command is not copied to (wait for it, or `intr NODE`): the transfer shares its "
                 "session, and a half-finished command may be writing the same files.",
         .flags = {{"-r", "--recursive", "copy directories recursively"}},
         .target = TargetKind::Required,
         .running_only = true,
         .acts = true,
         .min_args = 1,
         .target_at = target_at,
         .complete = {CompleteKind::Nodes, CompleteKind::Files},
         .run = run});
}

}  // namespace dust::shell
