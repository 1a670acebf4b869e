// client_setup, run_served (served.h).
#include "server/served.h"

#include <fmt/format.h>
#include <unistd.h>

#include "server/client.h"
#include "server/connect.h"
#include "util/error.h"
#include "util/fd_io.h"
#include "util/interrupt.h"
#include "util/paths.h"

namespace dust::server {

std::optional<ClientSetup> client_setup(const shell::Invocation& inv, std::string* err) {
  ClientSetup s;
  const std::string file = paths::join(paths::dust_home(), "config.yaml");
  try {
    s.config = shell::Config::load(file);
  } catch (const Error& e) {
    *err = e.what();
    return std::nullopt;
  } catch (const std::exception& e) {  // yaml-cpp's stream failing (a directory, say)
    *err = fmt::format("{}: cannot read it: {}", file, e.what());
    return std::nullopt;
  }
  if (!inv.ssh_config.empty()) {
    // Absolute: a dust server serves its clients from their own working directories.
    s.config.ssh_config = paths::canonical(inv.ssh_config);
    if (!paths::exists(s.config.ssh_config)) {
      *err = fmt::format("-F {}: no such file", inv.ssh_config);
      return std::nullopt;
    }
  }
  // A running server has its own -F and --log-dir: a client asking for others is refused.
  s.asked = {
      inv.ssh_config.empty() ? "" : s.config.ssh_config,
      inv.log_dir.empty() || inv.log_dir == "off" ? inv.log_dir : paths::absolute(inv.log_dir)};
  return s;
}

bool is_server_word(const std::string& word) {
  return word == "attach" || word == "start-server" || word == "kill-server";
}

std::optional<int> run_served(const ClientSetup& setup, const shell::Invocation& inv,
                              const std::optional<std::string>& line, std::string* err) {
  if (!setup.config.server_enabled) return std::nullopt;
  int fd = connect_server(err);
  if (fd < 0) return std::nullopt;
  interrupt::install();  // Ctrl-C is the server's to pass on from here
  return util::exit_status_with_stdout(run_through(fd, line, inv, setup.asked));
}

}  // namespace dust::server
