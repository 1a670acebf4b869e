// cd [DIR|-] — dust's local working directory: where put/get/load/logdir paths resolve and where
// `!commands` run. The client's own directory changes (through a dust server too), as in a shell.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "util/error.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  ClientIo& client = ctx.client();
  std::string to = a.words.empty() ? client.env().get("HOME").value_or("/") : a.words[0];
  bool back = to == "-";
  if (back) {
    to = client.previous_cwd();
    if (to.empty()) throw Error("cd -: no previous directory");
  }
  std::filesystem::path p(ctx.local_path(to));
  if (p.is_relative()) p = std::filesystem::path(client.cwd()) / p;
  std::string dir = p.lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) throw Error(fmt::format("cd: {}: {}", to, strerror(errno)));
  if (!S_ISDIR(st.st_mode)) throw Error(fmt::format("cd: {}: not a directory", to));
  if (access(dir.c_str(), X_OK) != 0) throw Error(fmt::format("cd: {}: {}", to, strerror(errno)));
  client.change_directory(dir);
  if (back) ctx.out().out(dir + "\n");
  return 0;
}

}  // namespace

void register_cd(CommandTable& t) {
  t.add({.name = "cd",
         .usage = "cd [DIR|-]",
         .summary = "change dust's local working directory (HOME without DIR, - the previous one)",
         .help = "Where local paths of put, get, load and logdir resolve and where !commands run. "
                 "It is this dust's own directory, also through a dust server; a node's directory "
                 "is changed with `@node cd DIR`.",
         .max_args = 1,
         .complete = {CompleteKind::Files},
         .run = run});
}

}  // namespace dust::shell
