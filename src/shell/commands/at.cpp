// @[target] [command] — run a line in each selected node's persistent shell, or attach raw to one.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <poll.h>
#include <readline/readline.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "shell/attachments.h"
#include "shell/command_progress.h"
#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/gather.h"
#include "shell/sessions.h"
#include "shell/stdin_delivery.h"
#include "ssh/raw_attach.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/interrupt.h"

namespace dust::shell {
namespace {

// One-shot/script mode: the same folded line as the interactive shell, and the exit status: a
// node's own status when all failures agree, 255 when a node could not be reached (as ssh), else 1.
int summarise(Context& ctx, const ssh::Job& job) {
  std::vector<Outcome> outcomes = ctx.sessions().finish(job);
  int worst = 0;
  for (const auto& r : job.results()) {
    if (!r.finished) {
      worst = worst ? worst : 1;
    } else if (!r.error.empty()) {
      worst = 255;  // as ssh does for connection failures
    } else if (r.status > 0) {
      if (worst != 255) worst = worst && worst != r.status ? 1 : r.status;
    }
  }
  if (std::string line = summary_line(outcomes); !line.empty()) ctx.out().err(line + "\n");
  return worst;
}

int wait_for(Context& ctx, const ssh::Job& job) {
  interrupt::reset();
  int seen = 0;
  auto started = std::chrono::steady_clock::now();
  auto deadline = started + std::chrono::seconds(ctx.config().command_timeout_s);
  bool timed_out = false;
  // A wait on a terminal shows its progress after a second (never in a pipe or JSON lines).
  bool live = ctx.client().stderr_tty() && !(ctx.json() && !ctx.interactive());
  auto next_draw = started + std::chrono::seconds(1);
  ctx.loop().run_until(
      [&] {
        if (auto now = std::chrono::steady_clock::now(); live && now >= next_draw && !job.done()) {
          next_draw = now + std::chrono::milliseconds(250);
          ctx.out().set_status(
              command_progress(job.results(), std::chrono::duration<double>(now - started).count(),
                               static_cast<size_t>(std::max(20, ctx.client().columns() - 1))));
        }
        if (interrupt::count() > seen) {
          seen = interrupt::count();
          interrupt::drain();
          if (seen == 1) {
            int n = ctx.sessions().pool().interrupt(job);
            ctx.out().err(fmt::format("interrupt sent to {} node{} (Ctrl-C again to quit)\n", n,
                                      n == 1 ? "" : "s"));
          }
        }
        if (ctx.config().command_timeout_s > 0 && std::chrono::steady_clock::now() > deadline)
          timed_out = true;
        bool gone = ctx.attachments() && ctx.attachments()->abandoned();  // its dust was closed
        return job.done() || seen >= 2 || timed_out || gone;
      },
      std::chrono::milliseconds(100));
  ctx.out().set_status("");
  if (ctx.attachments() && ctx.attachments()->abandoned() && !ctx.interactive() && !job.done()) {
    // A one-shot's dust went away (its output pipe closed, a SIGTERM): the command was that
    // process's, as an ssh command is; interrupted, as ssh's would be by the hangup, instead of
    // running on in the shared sessions where it would refuse and flood other clients. (An
    // interactive client that detaches leaves its command running on purpose.)
    ctx.sessions().pool().interrupt(job);
  }
  if (seen >= 2) {
    // Say what became of the nodes that had not finished.
    std::vector<std::string> running;
    for (const auto& r : job.results())
      if (!r.finished) running.push_back(r.node);
    if (!running.empty())
      ctx.out().err(fmt::format(
          "quit: {} node{} had not finished: {} ({})\n", running.size(),
          running.size() == 1 ? "" : "s", fold_names(running),
          ctx.attachments() ? "the command goes on in the dust server's sessions; `dust intr "
                              "TARGET` interrupts it"
                            : "its sessions close with dust, which ends the command"));
    ctx.quit_requested = true;
    return 130;
  }
  if (timed_out)
    ctx.out().err(fmt::format("command timeout ({} s) reached\n", ctx.config().command_timeout_s));
  return summarise(ctx, job);
}

}  // namespace

int run_at(Context& ctx, Args& a, bool gather) {
  // The dispatcher resolved the target glued to `@` to its running nodes; a.rest is the command.
  const std::string& target = a.target;
  std::string command = a.rest;
  const std::vector<const Node*>& running = a.nodes;
  Sessions& sessions = ctx.sessions();
  auto eps = sessions.endpoints(running);
  if (Attachments* at = ctx.attachments()) {
    // Through a dust server: a node's shell takes one client's command at a time.
    std::vector<std::string> busy = sessions.busy_nodes();
    for (const auto& ep : eps)
      if (std::find(busy.begin(), busy.end(), ep.node_label) != busy.end())
        if (std::string why = at->refuse(ep.key, ep.node_label); !why.empty()) throw Error(why);
    for (const auto& ep : eps) at->claim(ep.key);
  }

  if (command.empty()) {
    if (eps.size() != 1)
      throw Error(fmt::format(
          "raw mode needs exactly one node, '{}' matched {}: {} (give a command to run on all)",
          target.empty() ? "*" : target, eps.size(), fold_names([&] {
            std::vector<std::string> v;
            for (auto& e : eps) v.push_back(e.node_label);
            return v;
          }())));
    std::string err;
    bool was_visible = ctx.out().prompt_visible();
    ctx.out().set_prompt_visible(false);
    Terminal::Hold tty = ctx.terminal().hold();  // raw mode reads stdin; the prompt returns after
    Sessions::Tap* tap = sessions.tap();         // transcripts: the node's bytes, between two marks
    using Mark = Sessions::Tap::RawMark;
    ssh::RawEnd end = ssh::attach_raw(
        sessions.pool(), eps[0], ctx.client().raw_terminal(), &err,
        [&] {
          ctx.out().err(fmt::format(
              "attaching to {} — Ctrl-C three times to come back, `exit` to end the session\n",
              eps[0].node_label));
          if (tap) tap->raw(eps[0], sessions.label(eps[0]), Mark::Attached, {});
        },
        [&](std::string_view d) {
          if (tap) tap->raw(eps[0], sessions.label(eps[0]), Mark::Bytes, d);
        });
    if (tap && end != ssh::RawEnd::Failed)
      tap->raw(eps[0], sessions.label(eps[0]),
               end == ssh::RawEnd::Detached ? Mark::Detached : Mark::Ended, {});
    ctx.out().set_prompt_visible(was_visible);
    if (end == ssh::RawEnd::Failed) throw Error(fmt::format("{}: {}", eps[0].node_label, err));
    ctx.out().err(end == ssh::RawEnd::Detached
                      ? fmt::format("back in dust ({} session kept)\n", eps[0].node_label)
                      : fmt::format("{} session ended\n", eps[0].node_label));
    return 0;
  }

  // A one-shot's stdin is its command's (remote_stdin.h): data then end of file, as clush does; a
  // script's commands get end of file at once (`ssh -n`).
  // A node it could not reach gets no line and ends with that error, as an unreachable node does.
  // A node still running the last command gets this line as its input (how `@node Y` answers a
  // prompt): said once per line, so a command meant for the shell is not silently typed into it.
  std::vector<std::string> busy = sessions.busy_nodes(), taking;
  for (const auto& ep : eps)
    if (std::find(busy.begin(), busy.end(), ep.node_label) != busy.end())
      taking.push_back(ep.node_label);
  StdinLines in{{command}};
  Sessions::Sending how;
  if (ctx.mode() != Mode::Interactive)
    if (std::optional<std::string> data = ctx.client().stdin_data()) {
      in = stdin_lines(ctx, eps, command, *data, busy);
      if (in.interrupted) {
        ctx.out().err("interrupted while stdin was on its way: the command ran on no node\n");
        return 130;
      }
      how.record_as = command;
      how.pool.failing = in.failed;
      how.pool.pipelined = true;  // stdin `</dev/null` or a file: the line may ride with the setup
    }
  if (gather || (ctx.json() && !ctx.interactive()))  // `@@`, `output gather`, --json: gather.h
    return run_observed(ctx, eps, in.lines, how, gather,
                        {[&](const ssh::Job& j) { return wait_for(ctx, j); },
                         [&](const ssh::Job& j) { return summarise(ctx, j); }});
  if (!taking.empty())
    ctx.out().err(fmt::format(
        "{}: still running a command; this line is its input (`intr {}` interrupts it)\n",
        fold_names(taking), taking.size() == 1 ? taking[0] : fold_names(taking)));
  auto job = sessions.run(eps, in.lines, how);
  // Interactive: a folded summary line prints when it has ended everywhere (if anything failed).
  sessions.track(job, eps, ctx.interactive());
  if (ctx.interactive()) return 0;  // output streams in while the user types
  return wait_for(ctx, *job);
}

void register_at(CommandTable& t) {
  t.add({.name = "@",
         .aliases = {},
         .usage = "@[target] [command]",
         .summary =
             "run a command in each node's persistent shell; one node and no command: raw shell",
         .help =
             "Lines go to the same shell every time (cd, variables and background jobs persist). "
             "While a node's command still runs, the next @ line is its input (answer [Y/n] with "
             "@node Y).",
         .flags = {},
         .target = TargetKind::Optional,
         .running_only = true,
         .acts = true,
         .complete = {CompleteKind::Nodes},
         .run = [](Context& ctx, Args& a) { return run_at(ctx, a, ctx.config().output_gather); },
         .raw = true});
}

}  // namespace dust::shell
