// Session, connecting: options from the ssh config, the non-blocking handshake (connect, host key,
// auth with key files then the agent), channel, pty and shell, up to the setup line.
#include <fmt/format.h>
#include <libssh/callbacks.h>
#include <poll.h>

#include <cstdlib>

#include "ssh/host_keys.h"
#include "ssh/session.h"
#include "ssh/session_detail.h"
#include "ssh/ssh_config.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::ssh {

using namespace std::chrono_literals;

namespace {
constexpr auto kSetupTimeout = 30s;
constexpr auto kHandshakeGrace =
    30s;  // after connect_timeout, for a server that answered but is slow

// libssh's own messages go to dust's log (debug), never straight to stderr: a `LogLevel` line in
// the user's ssh config would otherwise make libssh print its internals under the nodes' output.
void libssh_log(int, const char* function, const char* buffer, void*) {
  log::debug("libssh {}: {}", function ? function : "", buffer ? buffer : "");
}

void set_libssh_logging(ssh_session s) {
  static const bool installed = (ssh_set_log_callback(libssh_log), true);
  (void)installed;
  int verbosity = log::level() >= log::Level::Debug ? SSH_LOG_WARN : SSH_LOG_NOLOG;
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
}

}  // namespace

void Session::start() {
  teardown();
  state_ = State::Connecting;
  scanner_ = PromptScanner(make_nonce());
  output_.reset();
  raw_busy_ = cancelling_ = false;
  outq_.clear();
  raw_entering_ = false;
  raw_held_.clear();
  raw_sink_ = nullptr;
  ssh_ = ssh_new();
  // libssh would look up the passwd entry for ~; dust's ~ is $HOME (PRODUCT.md §1).
  std::string dir = paths::join(paths::home(), ".ssh");
  ssh_options_set(ssh_, SSH_OPTIONS_HOST, ep_.host.c_str());
  ssh_options_set(ssh_, SSH_OPTIONS_SSH_DIR, dir.c_str());
  ssh_options_set(ssh_, SSH_OPTIONS_KNOWNHOSTS, paths::join(dir, "known_hosts").c_str());
  // Identities are prepended, so add them lowest precedence first: KeyName keys, then the ssh
  // config's IdentityFile entries (parse_config prepends them), then the node's own keyfile.
  auto names = key_name_candidates(ep_, opt_);
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    ssh_options_set(ssh_, SSH_OPTIONS_IDENTITY, it->c_str());
  std::string config =
      opt_.ssh_config.empty() ? paths::join(dir, "config") : paths::expand_user(opt_.ssh_config);
  ssh_options_parse_config(ssh_,
                           config.c_str());  // a missing file is fine; also stops the default parse
  set_libssh_logging(ssh_);                  // after the config: its LogLevel is not ours
  if (!ep_.keyfile.empty()) ssh_options_set(ssh_, SSH_OPTIONS_IDENTITY, ep_.keyfile.c_str());
  if (!ep_.user.empty()) {
    ssh_options_set(ssh_, SSH_OPTIONS_USER, ep_.user.c_str());
  } else {
    char* u = nullptr;
    if (ssh_options_get(ssh_, SSH_OPTIONS_USER, &u) == SSH_OK && u)
      ssh_string_free_char(u);  // set by the ssh config
    else
      ssh_options_set(ssh_, SSH_OPTIONS_USER, opt_.default_user.c_str());
  }
  if (ep_.port > 0) ssh_options_set(ssh_, SSH_OPTIONS_PORT, &ep_.port);
  // ProxyJump (cluster file, else ssh config) through OpenSSH, with dust's config file; libssh's
  // own conversion of the config's ProxyJump would run `ssh` on the passwd entry's ~/.ssh/config.
  std::string jump =
      !ep_.proxy_jump.empty() ? ep_.proxy_jump : ssh_config_value(config, ep_.host, "ProxyJump");
  if (!jump.empty() && jump != "none")
    ssh_options_set(ssh_, SSH_OPTIONS_PROXYCOMMAND, proxy_command(jump, config).c_str());
  strict_ = !opt_.strict_host_key.empty()
                ? opt_.strict_host_key
                : ssh_config_value(config, ep_.host, "StrictHostKeyChecking");
  // Key files first, the agent after them (PRODUCT.md §2): libssh's automatic order is the reverse,
  // and an agent holding many keys would use up the server's MaxAuthTries before the right file is
  // tried. So the first pass runs with the agent switched off; the agent gets its own pass if the
  // files fail.
  agent_sock_ = agent_socket(config, ep_.host);
  agent_pass_ = false;
  ssh_options_set(ssh_, SSH_OPTIONS_IDENTITY_AGENT, "/dev/null");
  ssh_set_blocking(ssh_, 0);
  // ConnectTimeout from the ssh config is per host, so it wins over dust's ssh.connect_timeout.
  connect_timeout_s_ = opt_.connect_timeout_s;
  if (std::string v = ssh_config_value(config, ep_.host, "ConnectTimeout"); !v.empty()) {
    int t = std::atoi(v.c_str());
    if (t > 0)
      connect_timeout_s_ = t;
    else
      log::warn("ssh config {}: ConnectTimeout '{}' is not a number of seconds; using {} s", config,
                v, connect_timeout_s_);
  }
  deadline_extended_ = false;
  deadline_timer_ =
      loop_.after(std::chrono::seconds(connect_timeout_s_), [this] { on_connect_deadline(); });
  step();
}

void Session::on_connect_deadline() {
  deadline_timer_ = 0;
  if (!handshaking() || state_ >= State::Channel) return;
  bool answered = ssh_get_serverbanner(ssh_) != nullptr;
  if (answered && !deadline_extended_) {
    // The server is alive (its banner came), only slow: a loaded machine, or hundreds of handshakes
    // sharing its CPU. Unlike a dead or black-holed host, it gets a grace period before giving up.
    deadline_extended_ = true;
    deadline_timer_ = loop_.after(kHandshakeGrace, [this] { on_connect_deadline(); });
    return;
  }
  int waited =
      connect_timeout_s_ + (deadline_extended_ ? static_cast<int>(kHandshakeGrace.count()) : 0);
  fail(fmt::format("{} timed out after {} s", answered ? "ssh handshake" : "connection", waited));
}

bool Session::step_handshake() {
  for (;;) {
    State before = state_;
    log::debug("ssh {}: {}{}", ep_.node_label, state_name(state_), agent_pass_ ? " (agent)" : "");
    int rc = SSH_OK;
    switch (state_) {
      case State::Connecting:
        rc = ssh_connect(ssh_);
        if (fd_ < 0 && ssh_get_fd(ssh_) >= 0) {
          fd_ = ssh_get_fd(ssh_);
          loop_.watch(fd_, POLLIN | POLLOUT, [this](short) { step(); });
        }
        if (rc == SSH_AGAIN) return true;
        if (rc != SSH_OK)
          return fail(fmt::format("cannot connect to {}: {}", ep_.host, ssh_get_error(ssh_))),
                 false;
        if (!check_host_key()) return false;
        state_ = State::Auth;
        break;
      case State::Auth:
        rc = agent_pass_ ? ssh_userauth_agent(ssh_, nullptr)
                         : ssh_userauth_publickey_auto(ssh_, nullptr, nullptr);
        if (rc == SSH_AUTH_AGAIN) return true;
        if (rc == SSH_AUTH_DENIED && !agent_pass_ && !agent_sock_.empty()) {
          agent_pass_ = true;
          ssh_options_set(ssh_, SSH_OPTIONS_IDENTITY_AGENT, agent_sock_.c_str());
          continue;
        }
        if (rc != SSH_AUTH_SUCCESS) {
          char* u = nullptr;
          ssh_options_get(ssh_, SSH_OPTIONS_USER, &u);
          std::string user = u ? u : "?";
          if (u) ssh_string_free_char(u);
          std::string why = rc == SSH_AUTH_ERROR ? fmt::format(": {}", ssh_get_error(ssh_)) : "";
          return fail(fmt::format(
                     "authentication failed for {}@{}{} (tried key files{}{}, then {})", user,
                     ep_.host, why, ep_.keyfile.empty() ? "" : " starting with ", ep_.keyfile,
                     agent_sock_.empty() ? "no ssh-agent (none running)" : "the ssh-agent")),
                 false;
        }
        if (deadline_timer_) loop_.cancel(deadline_timer_);
        deadline_timer_ = loop_.after(kSetupTimeout, [this] {
          deadline_timer_ = 0;
          if (handshaking())
            fail(
                "the remote shell did not answer dust's setup line within 30 s "
                "(dust drives bash, dash and zsh login shells)");
        });
        ch_ = ssh_channel_new(ssh_);
        state_ = State::Channel;
        break;
      case State::Channel:
        rc = ssh_channel_open_session(ch_);
        if (rc == SSH_AGAIN) return true;
        if (rc != SSH_OK)
          return fail(fmt::format("cannot open a channel: {}", ssh_get_error(ssh_))), false;
        state_ = State::Pty;
        break;
      case State::Pty: {
        std::string term = opt_.term;
        if (term.empty()) term = std::getenv("TERM") ? std::getenv("TERM") : "xterm";
        if (term.empty() || term == "dumb") term = "xterm";
        rc = ssh_channel_request_pty_size(ch_, term.c_str(), detail::kLineCols, detail::kLineRows);
        if (rc == SSH_AGAIN) return true;
        if (rc != SSH_OK)
          return fail(fmt::format("pty request refused: {}", ssh_get_error(ssh_))), false;
        state_ = State::Shell;
        break;
      }
      case State::Shell:
        rc = ssh_channel_request_shell(ch_);
        if (rc == SSH_AGAIN) return true;
        if (rc != SSH_OK)
          return fail(fmt::format("shell request refused: {}", ssh_get_error(ssh_))), false;
        state_ = State::Setup;
        send_setup(true);
        return true;
      default:
        return true;
    }
    if (state_ == before) return true;
  }
}

bool Session::check_host_key() {
  std::string err, notice;
  bool ok = verify_host_key(ssh_, strict_, &err, &notice);
  if (!notice.empty()) obs_.on_notice(*this, notice);
  if (!ok) fail(err);
  return ok;
}

}  // namespace dust::ssh
