// dust entry point: argv → Context → REPL, script or one-shot.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "plugins/lua_loader.h"
#include "server/client.h"
#include "server/launch.h"
#include "shell/command_table.h"
#include "shell/config.h"
#include "shell/context.h"
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
  // A closed stdin, stdout or stderr (`dust 0<&-`) is /dev/null, so that no file dust opens (the
  // interrupt pipe, a socket) takes its number and is read or written as if it were one.
  for (int fd = 0; fd <= 2; ++fd)
    if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
      return 125;
  CLI::App app{
      "dust — an ssh cluster shell for EC2.\n"
      "  dust              interactive shell (stdin a terminal)\n"
      "  dust WORDS...     run one command line, wait for every node, exit\n"
      "  dust < script     run command lines from stdin in order\n"
      "Interactive dust keeps its sessions in a per-user server; one-shot and script mode use\n"
      "it when one runs:\n"
      "  dust attach       attach to the running server (error if none)\n"
      "  dust start-server start one with no client\n"
      "  dust kill-server  end it and every session",
      "dust"};
  bool yes = false, json = false, version = false, nostdin = false;
  std::string ssh_config, level, log_dir;
  app.add_flag("-y,--yes", yes, "answer yes to confirmations");
  app.add_flag("--json", json, "machine-readable output (JSON lines)");
  app.add_flag("--nostdin", nostdin,
               "a one-shot @ command does not pass dust's stdin on: its nodes' commands read end "
               "of file (as ssh -n)");
  app.add_flag("--version", version, "print the version and exit");
  app.add_option("-F", ssh_config, "ssh config file to use instead of ~/.ssh/config")
      ->type_name("FILE");
  app.add_option("--loglevel", level, "info or debug")->type_name("LEVEL");
  app.add_option("--log-dir", log_dir, "per-node transcripts in this directory (see 'help logdir')")
      ->type_name("DIR");
  // For the build (man page, bash completion): hidden, generated from the table and these options.
  bool man = false, bash_completion = false;
  app.add_flag("--man", man)->group("");
  app.add_flag("--bash-completion", bash_completion)->group("");
  app.prefix_command();  // the first word ends dust's options: `dust show -v` passes -v to show
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every command-line mistake is a usage error (2), whatever CLI11's own code for it.
    std::fprintf(stderr, "dust: %s\nRun 'dust --help' for the options.\n", e.what());
    return 2;
  }
  if (version) {
    std::printf("dust %s\n", DUST_VERSION);
    return 0;
  }
  if (man || bash_completion) {
    std::vector<shell::CliOption> options;
    for (const CLI::Option* o : app.get_options()) {
      if (o->get_group().empty()) continue;
      shell::CliOption c{
          {}, o->get_type_size() != 0 ? o->get_type_name() : "", o->get_description()};
      for (const auto& n : o->get_snames()) c.names.push_back("-" + n);
      for (const auto& n : o->get_lnames()) c.names.push_back("--" + n);
      options.push_back(c);
    }
    plugins::load_commands(shell::CommandTable::instance());
    const auto& table = shell::CommandTable::instance();
    std::fputs(
        (man ? shell::man_page(table, options) : shell::bash_completion(table, options)).c_str(),
        stdout);
    return 0;
  }
  std::vector<std::string> words = app.remaining();
  // `--` ends the options (`dust -- -weird-word`); alone it is plain `dust`.
  bool options_ended = !words.empty() && words[0] == "--";
  if (options_ended) words.erase(words.begin());
  // prefix_command() hands an unknown option before the first word on as a word: it would run
  // in the local shell. An option dust does not know is a usage error instead.
  if (!options_ended && !words.empty() && words[0].size() > 1 && words[0][0] == '-') {
    std::fprintf(stderr, "dust: unknown option '%s'\nRun 'dust --help' for the options.\n",
                 words[0].c_str());
    return 2;
  }
  if (!level.empty()) {
    log::Level l;
    if (!log::parse_level(level, &l)) {
      std::fprintf(stderr, "dust: unknown log level '%s' (use info or debug)\n", level.c_str());
      return 2;
    }
    log::set_level(l);
  }

  shell::Config config;
  try {
    config = shell::Config::load(paths::join(paths::dust_home(), "config.yaml"));
  } catch (const Error& e) {
    std::fprintf(stderr, "dust: %s\n", e.what());
    return 2;
  }
  if (!ssh_config.empty()) {
    // Absolute: a dust server serves its clients from their own working directories.
    config.ssh_config = paths::canonical(ssh_config);
    if (!paths::exists(config.ssh_config)) {
      std::fprintf(stderr, "dust: -F %s: no such file\n", ssh_config.c_str());
      return 2;
    }
  }
  // A running server has its own -F and --log-dir: a client asking for others is refused.
  server::Settings asked{ssh_config.empty() ? "" : config.ssh_config,
                         log_dir.empty() || log_dir == "off" ? log_dir : paths::absolute(log_dir)};

  // The server's own words (not commands: they say how this dust runs, not what it does).
  std::string verb = words.empty() ? "" : words[0];
  if (verb == "attach" || verb == "start-server" || verb == "kill-server") {
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
    std::string err;
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
  // Drop-in commands after the built-ins (a drop-in never replaces one), loaded now so a broken
  // file is reported at start. The shell knows only the table; main wires the plugins into it.
  plugins::load_commands(shell::CommandTable::instance());
  std::string line;  // one-shot
  if (mode == shell::Mode::OneShot) {
    // One word is a whole line, exactly as typed at the prompt (`dust 'help show'`,
    // `dust 'echo $((1+1))'`); several keep their word boundaries (shell::one_shot_line).
    line = shell::one_shot_line(words);
  }
  // A running server holds the sessions: every mode uses it; interactive dust starts one.
  if (config.server_enabled) {
    std::string err;
    int fd =
        mode == shell::Mode::Interactive
            ? server::start_and_connect(config, log_dir.empty() ? config.log_dir : log_dir, &err)
            : server::connect_server(&err);
    if (fd >= 0) {
      if (mode == shell::Mode::Interactive) return server::run_attached(fd, asked);
      return util::exit_status_with_stdout(
          server::run_through(fd, mode == shell::Mode::OneShot ? std::optional(line) : std::nullopt,
                              json, yes, nostdin, asked));
    }
    if (!err.empty()) std::fprintf(stderr, "dust: %s; running without a server\n", err.c_str());
  }
  shell::Context ctx(config, mode, yes, json);
  if (mode == shell::Mode::OneShot) ctx.own_client().one_shot_stdin(!nostdin);
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
