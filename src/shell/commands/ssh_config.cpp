// ssh-config HOST | @target — the effective ssh settings as `ssh -G` prints them, from the one
// resolver sessions use: for a literal host exactly as ssh would (no AWS call), for nodes as dust
// connects them (cluster file user/port/jump and config.yaml defaults applied), one block each.
#include "ssh/ssh_config.h"

#include <fmt/format.h>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/sessions.h"
#include "ssh/host_settings.h"
#include "util/paths.h"

namespace dust::shell {
namespace {

// Literal host names, as `ssh -G HOST` resolves each. Several hosts: one block each, headed by
// `# HOST` (a refused one says why there); ssh's exit status 255 when any is refused.
int run_hosts(Context& ctx, const std::vector<std::string>& hosts) {
  ssh::SshConfigRequest req;
  req.config_file =
      ctx.config().ssh_config.empty() ? "" : paths::expand_user(ctx.config().ssh_config);
  ssh::SshConfigEnv env = ssh::real_ssh_config_env();
  std::string out;
  int status = 0;
  for (size_t i = 0; i < hosts.size(); ++i) {
    req.host = hosts[i];
    ssh::SshConfigResult r = ssh::resolve_ssh_config(req, env);
    if (hosts.size() == 1) {
      if (!r.ok) throw Error("ssh-config: " + r.error);
      ctx.out().out(ssh::format_ssh_g(r.config));
      return 0;
    }
    out += fmt::format("{}# {}\n", i ? "\n" : "", hosts[i]);
    if (r.ok) {
      out += ssh::format_ssh_g(r.config);
    } else {
      out += fmt::format("# refused: {}\n", r.error);
      status = 255;
    }
  }
  ctx.out().out(out);
  return status;
}

int run(Context& ctx, Args& a) {
  const std::string& word = a.words.at(0);
  if (word.empty() || word[0] != '@') return run_hosts(ctx, a.words);
  if (a.words.size() > 1) throw UsageError("one @target, or host names");
  std::string target = word.substr(1);
  std::vector<const Node*> nodes = ctx.select(target);
  if (nodes.empty()) {
    ctx.out().err(fmt::format("no nodes match '{}'\n", target));
    return 1;
  }
  std::vector<std::string> labels = ctx.labels(nodes);
  auto eps = ctx.sessions().endpoints(nodes);
  const ssh::Options& opt = ctx.sessions().pool().options();
  std::string out;
  int status = 0;
  for (size_t i = 0; i < eps.size(); ++i) {
    out += fmt::format("{}# {}\n", i ? "\n" : "", labels[i]);
    if (eps[i].host.empty()) {
      out += "# no address\n";
      status = 1;
      continue;
    }
    try {
      ssh::HostSettings hs = ssh::host_settings(eps[i], opt);
      out += ssh::format_ssh_g(hs.cfg);
    } catch (const Error& e) {
      out += fmt::format("# {}\n", e.what());
      status = 1;
    }
  }
  ctx.out().out(out);
  return status;
}

}  // namespace

void register_ssh_config(CommandTable& t) {
  t.add({.name = "ssh-config",
         .usage = "ssh-config HOST...|@target",
         .summary = "the effective ssh settings for a host or nodes, as `ssh -G` prints them",
         .help =
             "HOST is a host name as ssh takes it ([user@]host): its settings are printed exactly "
             "as `ssh -G HOST` would (same ssh config, -F honoured), without asking AWS; several "
             "hosts print one block each, headed by `# HOST`. @target "
             "prints one block per node with the values dust connects it with (the cluster "
             "file's user, port and proxy_jump and config.yaml's defaults applied).",
         .min_args = 1,
         .max_args = -1,
         .complete = {CompleteKind::None},
         .run = run});
}

}  // namespace dust::shell
