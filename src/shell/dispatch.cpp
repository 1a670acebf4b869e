// Dispatch: find the table entry, parse flags, resolve the target, run, report errors once.
#include "shell/dispatch.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "select/target.h"
#include "shell/command_table.h"
#include "shell/context.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/text.h"

namespace dust::shell {
namespace {

std::string trim(const std::string& s) { return std::string(util::trim(s)); }

// Whether the client's local shell would find `word` (its PATH, its working directory).
bool on_path(const ClientIo& client, const std::string& word) {
  if (word.find('/') != std::string::npos)
    return access((word[0] == '/' ? word : client.cwd() + "/" + word).c_str(), X_OK) == 0;
  std::string p = client.env().value("PATH");
  if (p.empty()) return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (!dir.empty() && access((dir + "/" + word).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// A plain name (no glob, range, filter or union) that matches several nodes is probably a mistake:
// say which nodes it names and ask, the same way for every command that acts on nodes. Without a
// terminal to ask on (and without --yes) refuse: a script must name the node it means.
bool confirm_ambiguous(Context& ctx, const Args& a) {
  if (a.nodes.size() < 2 || a.target.empty() || !a.parsed || !a.parsed->is_plain_name())
    return true;
  std::string which = fmt::format("'{}' matches {} nodes: {}", a.target, a.nodes.size(),
                                  fold_names(ctx.labels(a.nodes)));
  bool yes = ctx.assume_yes() || a.has("--yes");
  if (!yes && !ctx.client().stdin_tty())
    throw Error(which + "; name one of them (the label as shown is a target) or add --yes");
  return ctx.terminal().confirm(which + ". Continue", yes);
}

std::string count_words(int n, const char* what) {
  return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

}  // namespace

int run_command(Context& ctx, const Command& c, const std::string& rest) {
  try {
    Args args;
    std::string target;
    bool has_target = false, resolve = c.target != TargetKind::None;
    if (c.raw) {
      bool glued = !rest.empty() && rest[0] != ' ' && rest[0] != '\t';
      size_t sp = first_word_end(rest);  // a quoted target keeps its blanks: @'my node'
      if (resolve && glued) target = rest.substr(0, sp), has_target = true;
      args.rest = trim(resolve && glued ? (sp == std::string::npos ? "" : rest.substr(sp)) : rest);
    } else {
      std::vector<std::string> raw;
      parse_args(c, rest, &args, &raw);
      if (resolve) {
        int at = c.target_at ? c.target_at(ctx, args.words) : 0;
        if (at == kNoTarget) {
          resolve = false;
        } else if (at >= 0 && static_cast<size_t>(at) < args.words.size()) {
          target = raw[static_cast<size_t>(at)], has_target = true;
          args.words.erase(args.words.begin() + at);
        }
      }
    }
    // Every usage check happens before anything is fetched or changed.
    if (c.target == TargetKind::Required && !has_target) throw UsageError("a target is required");
    // A raw command's arguments are one line (a.rest): min_args 1 means "something to run".
    if (c.raw && c.min_args > 0 && args.rest.empty()) throw UsageError("needs a command to run");
    int n = static_cast<int>(c.raw ? c.min_args : args.words.size());
    const char* what = c.target == TargetKind::None ? "argument" : "argument after the target";
    if (c.max_args >= 0 && n > c.max_args)
      throw UsageError(c.max_args == 0
                           ? fmt::format("unexpected argument '{}'", args.words[0])
                           : fmt::format("takes at most {}, got extra '{}'",
                                         count_words(c.max_args, what), args.words[c.max_args]));
    if (n < c.min_args) throw UsageError(fmt::format("needs {}", count_words(c.min_args, what)));
    if (resolve) {
      auto parsed = std::make_shared<select::Target>();
      std::string err;
      if (!select::parse(target, parsed.get(), &err))
        throw UsageError(fmt::format("bad target '{}': {}", target, err));
      args.target = target;
      if (c.refetch) ctx.invalidate();
      if (c.running_only) ctx.fetch_nodes_overlapped(*parsed);  // logins overlap EC2's answer
      args.hold(c.running_only ? ctx.select_running(*parsed) : ctx.select(*parsed));
      args.parsed = std::move(parsed);
      if (c.acts && !confirm_ambiguous(ctx, args)) {
        ctx.out().out("cancelled, nothing changed\n");
        return 1;
      }
    }
    return c.run(ctx, args);
  } catch (const UsageError& e) {
    ctx.out().err(fmt::format("{}: {}\nusage: {}\n", c.name, e.what(), c.usage));
    return 2;
  }
}

int execute_line(Context& ctx, const std::string& raw_line) {
  std::string line = trim(raw_line);
  if (line.empty() || line[0] == '#') return 0;
  auto& table = CommandTable::instance();
  try {
    // What nodes printed before is written first: the local command writes to the same stdout
    // directly, and would overtake node lines still queued (script mode, stdout a file or pipe).
    if (line[0] == '!') return ctx.out().flush(), ctx.client().run_local(line.substr(1));
    if (line[0] == '?') return run_command(ctx, *table.find("help"), trim(line.substr(1)));
    if (line.rfind("@@", 0) == 0 && table.find("@@"))  // gathered (or live): commands/atat.cpp
      return run_command(ctx, *table.find("@@"), line.substr(2));
    if (line[0] == '@') {
      const Command* at = table.find("@");
      if (!at) throw Error("ssh commands are not available in this build");
      return run_command(ctx, *at, line.substr(1));
    }
    size_t sp = line.find_first_of(" \t");
    std::string word = line.substr(0, sp);
    std::string rest = sp == std::string::npos ? "" : trim(line.substr(sp));
    if (const Command* c = table.find(word)) return run_command(ctx, *c, rest);
    if (!on_path(ctx.client(), word)) {
      if (std::string s = table.suggest(word); !s.empty()) {
        ctx.out().err(
            fmt::format("unknown command '{}' — did you mean '{}'? (use !{} to run it locally)\n",
                        word, s, word));
        return 127;
      }
    }
    log::debug("{}: not a dust command, running it in the local shell", word);
    ctx.out().flush();
    return ctx.client().run_local(line);
  } catch (const Error& e) {
    // Ctrl-C while the line read its input (a one-shot's stdin): interrupted, not an error.
    if (interrupt::pending() && !ctx.interactive()) return 130;
    ctx.out().err(fmt::format("error: {}\n", e.what()));
    return 1;
  } catch (const std::exception& e) {
    ctx.out().err(fmt::format("internal error: {}\n", e.what()));
    return 1;
  }
}

}  // namespace dust::shell
