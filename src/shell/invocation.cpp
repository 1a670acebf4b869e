// parse_invocation (invocation.h).
#include "shell/invocation.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace dust::shell {

Invocation parse_invocation(int argc, char** argv) {
  Invocation inv;
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
  app.add_flag("-y,--yes", inv.yes, "answer yes to confirmations");
  app.add_flag("--json", inv.json, "machine-readable output (JSON lines)");
  app.add_flag("--nostdin", inv.nostdin,
               "a one-shot @ command does not pass dust's stdin on: its nodes' commands read end "
               "of file (as ssh -n)");
  app.add_flag("--version", inv.version, "print the version and exit");
  app.add_option("-F", inv.ssh_config, "ssh config file to use instead of ~/.ssh/config")
      ->type_name("FILE");
  app.add_option("--loglevel", inv.level, "info or debug")->type_name("LEVEL");
  app.add_option("--log-dir", inv.log_dir,
                 "per-node transcripts in this directory (see 'help logdir')")
      ->type_name("DIR");
  // For the build (man page, bash completion): hidden, generated from the table and these options.
  app.add_flag("--man", inv.man)->group("");
  app.add_flag("--bash-completion", inv.bash_completion)->group("");
  app.prefix_command();  // the first word ends dust's options: `dust show -v` passes -v to show
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    inv.exit_status = app.exit(e);
    return inv;
  } catch (const CLI::ParseError& e) {
    // Every command-line mistake is a usage error (2), whatever CLI11's own code for it.
    std::fprintf(stderr, "dust: %s\nRun 'dust --help' for the options.\n", e.what());
    inv.exit_status = 2;
    return inv;
  }
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;
    CliOption c{{}, o->get_type_size() != 0 ? o->get_type_name() : "", o->get_description()};
    for (const auto& n : o->get_snames()) c.names.push_back("-" + n);
    for (const auto& n : o->get_lnames()) c.names.push_back("--" + n);
    inv.options.push_back(c);
  }
  inv.words = app.remaining();
  // `--` ends the options (`dust -- -weird-word`); alone it is plain `dust`.
  bool options_ended = !inv.words.empty() && inv.words[0] == "--";
  if (options_ended) inv.words.erase(inv.words.begin());
  // prefix_command() hands an unknown option before the first word on as a word: it would run
  // in the local shell. An option dust does not know is a usage error instead.
  if (!inv.version && !inv.man && !inv.bash_completion && !options_ended && !inv.words.empty() &&
      inv.words[0].size() > 1 && inv.words[0][0] == '-') {
    std::fprintf(stderr, "dust: unknown option '%s'\nRun 'dust --help' for the options.\n",
                 inv.words[0].c_str());
    inv.exit_status = 2;
  }
  return inv;
}

}  // namespace dust::shell
