// run_transfer (see transfer_run.h).
#include "shell/transfer_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include "shell/commands/at.h"
#include "shell/context.h"

namespace dust::shell {

int run_transfer(Context& ctx, const std::vector<const Node*>& running, transfer::Job& job, bool command) {
  transfer::RunOptions opt;
  opt.progress = command && isatty(STDERR_FILENO) && !ctx.json();
  opt.out = [&](const std::string& s) { ctx.out().out(s); };
  opt.err = [&](const std::string& s) { ctx.out().err(s); };
  int failed = transfer::run(ssh_pool(ctx), endpoints_for(ctx, running), job, opt);
  if (failed && command)
    ctx.out().err(fmt::format("{} failed on {} of {} node{}\n", job.verb(), failed, running.size(),
                              running.size() == 1 ? "" : "s"));
  return failed;
}

}  // namespace dust::shell
