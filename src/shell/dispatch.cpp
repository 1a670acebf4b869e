// Dispatch: find the table entry, parse flags, resolve the target, run, report errors once.
#include "shell/dispatch.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "select/target.h"
#include "shell/command_table.h"
#include "shell/context.h"
#include "util/error.h"
#include "util/log.h"

namespace dust::shell {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool on_path(const std::string& word) {
  if (word.find('/') != std::string::npos) return access(word.c_str(), X_OK) == 0;
  const char* path = getenv("PATH");
  if (!path) return false;
  std::string p = path;
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

int run_command(Context& ctx, const Command& c, const std::string& rest) {
  Args args;
  std::string err;
  if (c.raw) {
    args.rest = rest;
  } else if (!parse_args(c, rest, &args, &err)) {
    ctx.out().err(err + "\n");
    return 2;
  }
  if (c.target == TargetKind::Required && args.words.empty()) {
    ctx.out().err(fmt::format("{}: a target is required\nusage: {}\n", c.name, c.usage));
    return 2;
  }
  if (c.target != TargetKind::None) {
    if (!args.words.empty()) {
      args.target = args.words.front();
      args.words.erase(args.words.begin());
    }
    args.nodes = ctx.select(args.target);
  }
  return c.run(ctx, args);
}

}  // namespace

int run_local(const std::string& cmd) {
  pid_t pid = fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    signal(SIGINT, SIG_DFL);
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Ctrl-C goes to the child (same process group); dust only waits.
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int execute_line(Context& ctx, const std::string& raw_line) {
  std::string line = trim(raw_line);
  if (line.empty() || line[0] == '#') return 0;
  auto& table = CommandTable::instance();
  try {
    if (line[0] == '!') return run_local(line.substr(1));
    if (line[0] == '?') return run_command(ctx, *table.find("help"), trim(line.substr(1)));
    if (line[0] == '@') {
      const Command* at = table.find("@");
      if (!at) throw Error("ssh commands are not available in this build");
      return run_command(ctx, *at, line.substr(1));
    }
    size_t sp = line.find_first_of(" \t");
    std::string word = line.substr(0, sp);
    std::string rest = sp == std::string::npos ? "" : trim(line.substr(sp));
    if (const Command* c = table.find(word)) return run_command(ctx, *c, rest);
    if (!on_path(word)) {
      if (std::string s = table.suggest(word); !s.empty()) {
        ctx.out().err(fmt::format("unknown command '{}' — did you mean '{}'? (use !{} to run it locally)\n",
                                  word, s, word));
        return 127;
      }
    }
    log::info("unrecognized, trying system shell");
    return run_local(line);
  } catch (const Error& e) {
    ctx.out().err(fmt::format("error: {}\n", e.what()));
    return 1;
  } catch (const std::exception& e) {
    ctx.out().err(fmt::format("internal error: {}\n", e.what()));
    return 1;
  }
}

}  // namespace dust::shell
