// dust entry point: argv → Context → REPL, script or one-shot.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "plugins/lua_loader.h"
#include "server/client.h"
#include "server/launch.h"
#include "server/served.h"
#include "shell/command_table.h"
#include "shell/config.h"
#include "shell/context.h"
#include "shell/invocation.h"
#include "shell/manual.h"
#include "shell/repl.h"
#include "shell/transcript.h"
#include "util/error.h"
#include "util/fd_io.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/paths.h"

int main(int argc, char** argv) {
  using namespace dust;
  if (!util::fill_standard_fds()) return 125;
  shell::Invocation inv = shell::parse_invocation(argc, argv);
  if (inv.exit_status) return *inv.exit_status;
  if (inv.version) {
    std::printf("dust %s\n", DUST_VERSION);
    return 0;
  }
  if (inv.man || inv.bash_completion) {
    plugins::load_commands(shell::CommandTable::instance());
    const auto& table = shell::CommandTable::instance();
    std::fputs(
        (inv.man ? shell::man_page(table, inv.options) : shell::bash_completion(table, inv.options))
            .c_str(),
        stdout);
    return 0;
  }
  const bool yes = inv.yes, json = inv.json, nostdin = inv.nostdin;
  const std::string &level = inv.level, &log_dir = inv.log_dir;
  const std::vector<std::string>& words = inv.words;
  if (!level.empty()) {
    log::Level l;
    if (!log::parse_level(level, &l)) {
      std::fprintf(stderr, "dust: unknown log level '%s' (use info or debug)\n", level.c_str());
      return 2;
    }
    log::set_level(l);
  }

  std::string err;
  std::optional<server::ClientSetup> setup = server::client_setup(inv, &err);
  if (!setup) {
    std::fprintf(stderr, "dust: %s\n", err.c_str());
    return 2;
  }
  const shell::Config& config = setup->config;
  const server::Settings& asked = setup->asked;

  // The server's own words (not commands: they say how this dust runs, not what it does).
  std::string verb = words.empty() ? "" : words[0];
  if (server::is_server_word(verb)) {
    if (words.size() > 1) {
      std::fprintf(stderr,
                   "dust: %s takes no arguments (got '%s'); options go before it: dust [-F FILE] "
                   "[--log-dir DIR] %s\n",
                   verb.c_str(), words[1].c_str(), verb.c_str());
      return 2;
    }
    if (json || nostdin) {
      std::fprintf(stderr, "dust: %s is for one command line or a script, not for %s\n",
                   json ? "--json" : "--nostdin", verb.c_str());
      return 2;
    }
    interrupt::install();
    plugins::load_commands(shell::CommandTable::instance());
    int fd = server::connect_server(&err);
    if (verb == "start-server") {
      if (fd >= 0) {
        close(fd);
        std::fprintf(stderr, "dust: a dust server already runs for %s\n",
                     paths::dust_home().c_str());
        return 0;
      }
      fd = err.empty()
               ? server::start_and_connect(config, log_dir.empty() ? config.log_dir : log_dir, &err)
               : -1;
      if (fd < 0) {
        std::fprintf(stderr, "dust: %s\n", err.c_str());
        return 1;
      }
      close(fd);
      std::fprintf(stderr, "dust: server started for %s\n", paths::dust_home().c_str());
      return 0;
    }
    if (fd < 0) {
      std::fprintf(stderr, "dust: %s\n",
                   err.empty()
                       ? fmt::format("no dust server runs for {}", paths::dust_home()).c_str()
                       : err.c_str());
      return 1;
    }
    if (verb == "kill-server") return server::kill_server(fd, yes);
    if (!isatty(STDIN_FILENO)) {
      close(fd);
      std::fprintf(stderr, "dust: attach needs a terminal\n");
      return 2;
    }
    return server::run_attached(fd, asked);
  }

  shell::Mode mode = !words.empty()              ? shell::Mode::OneShot
                     : isatty(STDIN_FILENO) != 0 ? shell::Mode::Interactive
                                                 : shell::Mode::Script;
  interrupt::install();
  // One word is a whole line, exactly as typed at the prompt (`dust 'help show'`,
  // `dust 'echo $((1+1))'`); several keep their word boundaries (shell::one_shot_line).
  std::string line = mode == shell::Mode::OneShot ? shell::one_shot_line(words) : "";
  // A running server holds the sessions: a one-shot or a script uses it (the front, `dust`, sent
  // it there already when it could; this is for dust-core run by hand and for a server that
  // started meanwhile).
  if (mode != shell::Mode::Interactive) {
    auto status = server::run_served(
        *setup, inv, mode == shell::Mode::OneShot ? std::optional(line) : std::nullopt, &err);
    if (status) return *status;
  }
  // Drop-in commands after the built-ins (a drop-in never replaces one), loaded now so a broken
  // file is reported at start, and before an interactive dust forks its server, which serves from
  // this table. The shell knows only the table; main wires the plugins into it.
  plugins::load_commands(shell::CommandTable::instance());
  // Interactive dust starts the server when none runs and attaches to it.
  if (mode == shell::Mode::Interactive && config.server_enabled) {
    int fd = server::start_and_connect(config, log_dir.empty() ? config.log_dir : log_dir, &err);
    if (fd >= 0) return server::run_attached(fd, asked);
  }
  if (!err.empty()) std::fprintf(stderr, "dust: %s; running without a server\n", err.c_str());
  shell::Context ctx(config, mode, yes, json);
  // A one-shot's stdin is its command's; a script's is the script: its commands get end of file,
  // as a served script's do (server/client.cpp), or a command that reads would wait forever.
  if (mode != shell::Mode::Interactive) {
    ctx.own_client().one_shot_stdin(mode == shell::Mode::OneShot && !nostdin);
    ctx.own_client().set_job_control(false);
  }
  if (!log_dir.empty() || !config.log_dir.empty()) {
    try {
      shell::set_log_dir(ctx, log_dir.empty() ? config.log_dir : log_dir);
    } catch (const Error& e) {
      std::fprintf(stderr, "dust: %s\n", e.what());
      return 2;
    }
  }
  switch (mode) {
    case shell::Mode::OneShot:
      return util::exit_status_with_stdout(shell::run_one_shot(ctx, line));
    case shell::Mode::Interactive:
      return shell::run_repl(ctx);
    case shell::Mode::Script:
      return util::exit_status_with_stdout(shell::run_script(ctx));
  }
  return 0;
}
