// Session, connecting: options from the ssh config, the non-blocking handshake (connect, host key,
// auth with key files then the agent), channel, pty and shell, up to the setup line.
#include <fmt/format.h>
#include <libssh/callbacks.h>
#include <poll.h>

#include <cstdlib>

#include "ssh/connect_options.h"
#include "ssh/host_keys.h"
#include "ssh/host_settings.h"
#include "ssh/jump.h"
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
}  // namespace

void Session::start() {
  teardown();
  io_hook_ = nullptr;  // a transfer rode on the last connection, not on this one
  state_ = State::Connecting;
  scanner_ = PromptScanner(make_nonce());
  output_.reset();
  raw_busy_ = cancelling_ = false;
  outq_.clear();
  // A line queued to ride behind the setup line waits for this connection; one sent on the last
  // connection is gone with it.
  if (first_ != First::Queued) first_ = First::None, first_line_.clear();
  first_running_ = false;
  raw_entering_ = false;
  key_exchanged_ = false;
  tcp_up_ = false;
  unasked_shell_ = false;
  raw_held_.clear();
  raw_sink_ = nullptr;
  ssh_ = ssh_new();
  ConnectSettings cs = configure_session(ssh_, ep_, opt_);
  if (!cs.error.empty()) {
    fail(cs.error);  // ssh would refuse this host with this config: so does dust, saying why
    return;
  }
  warn_not_applied(cs.not_applied, cs.config, ep_.node_label);
  // Messages name where the session really goes (the ssh config's HostName and Port).
  connect_to_ = cs.port == 22 ? cs.hostname : fmt::format("{}:{}", cs.hostname, cs.port);
  strict_ = cs.strict;
  known_hosts_ = cs.known_hosts;
  auth_ = PublicKeyAuth(cs.identities, cs.agent_sock);
  connect_timeout_s_ = cs.connect_timeout_s;
  if (!cs.jump.empty()) {
    if (jumps_) {
      // Through the pool's one session to the jump host (jump.h): the target as the ssh config
      // names it (HostName, Port), this session's bytes over a socketpair.
      tunnel_ = jumps_->open(cs.jump, cs.hostname, cs.port);
      tunnel_->on_error = [this](const std::string& m) {
        if (!ended() && state_ != State::Idle) fail(m);
      };
      socket_t fd = tunnel_->take_node_fd();
      if (fd >= 0) ssh_options_set(ssh_, SSH_OPTIONS_FD, &fd);
    } else {
      std::string config = paths::exists(cs.config) ? cs.config : "";
      ssh_options_set(ssh_, SSH_OPTIONS_PROXYCOMMAND, proxy_command(cs.jump, config).c_str());
    }
  }
  deadline_extended_ = false;
  deadline_timer_ =
      loop_.after(std::chrono::seconds(connect_timeout_s_), [this] { on_connect_deadline(); });
  step();
}

void Session::set_held(bool on) {
  if (held_ == on) return;
  held_ = on;
  // Released: it goes on at the loop's next turn, not inside this call, so that what happens next
  // (a changed host key, say) reaches the job its command is about to be given (Pool::run).
  if (!on && state_ == State::Connecting && !tick_timer_)
    tick_timer_ = loop_.after(0ms, [this] { tick_timer_ = 0, step(); });
}

void Session::on_connect_deadline() {
  deadline_timer_ = 0;
  if (!handshaking() || state_ >= State::Channel) return;
  if (held_ && key_exchanged_) {
    // It answered and waits for its confirmation, which is EC2's call to make, not the node's.
    deadline_timer_ =
        loop_.after(std::chrono::seconds(connect_timeout_s_), [this] { on_connect_deadline(); });
    return;
  }
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
  std::string via = tunnel_ && !tunnel_->open() ? ": " + tunnel_->waiting_for() : "";
  fail(fmt::format("{} timed out after {} s{}", answered ? "ssh handshake" : "connection", waited,
                   via));
}

bool Session::step_handshake() {
  for (;;) {
    State before = state_;
    log::debug("ssh {}: {}{}", ep_.node_label, state_name(state_),
               auth_.agent_pass() ? " (agent)" : "");
    int rc = SSH_OK;
    switch (state_) {
      case State::Connecting:
        if (!key_exchanged_) {
          rc = ssh_connect(ssh_);
          if (fd_ < 0 && ssh_get_fd(ssh_) >= 0) {
            fd_ = ssh_get_fd(ssh_);
            loop_.watch(fd_, POLLIN | POLLOUT, [this](short revents) {
              if (revents & POLLOUT) tcp_up_ = true;
              step();
            });
          }
          if (rc == SSH_AGAIN) return true;
          if (rc != SSH_OK)
            return fail(fmt::format("cannot connect to {}: {}", connect_to_, ssh_get_error(ssh_))),
                   false;
          key_exchanged_ = true;
        }
        if (held_) return true;  // set_held(false) goes on from here
        if (!check_host_key()) return false;
        state_ = State::Auth;
        break;
      case State::Auth:
        rc = auth_.step(ssh_);
        if (rc == SSH_AUTH_AGAIN) return true;
        if (rc != SSH_AUTH_SUCCESS) return fail(auth_.failure(ssh_, connect_to_, rc)), false;
        if (deadline_timer_) loop_.cancel(deadline_timer_), deadline_timer_ = 0;
        if (!shell_wanted_) {
          state_ = State::LoggedIn;
          obs_.on_logged_in(*this);
          if (ended()) return false;
          if (state_ == State::LoggedIn) return true;
          break;  // a line came for it meanwhile: the observer opened its shell (open_shell)
        }
        begin_shell();
        break;
      case State::LoggedIn:
        return true;  // open_shell() goes on
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

void Session::begin_shell() {
  if (deadline_timer_) loop_.cancel(deadline_timer_);
  deadline_timer_ = loop_.after(kSetupTimeout, [this] {
    deadline_timer_ = 0;
    if (handshaking() && unasked_shell_)
      back_to_login("its setup line had no answer within 30 s");
    else if (handshaking())
      fail(
          "the remote shell did not answer dust's setup line within 30 s "
          "(dust drives bash, dash and zsh login shells)");
  });
  ch_ = ssh_channel_new(ssh_);
  exit_signal_.clear();
  ch_cb_ = {};
  ch_cb_.userdata = this;
  ch_cb_.channel_exit_signal_function = [](ssh_session, ssh_channel, const char* sig, int,
                                           const char*, const char*, void* self) {
    static_cast<Session*>(self)->exit_signal_ = sig && *sig ? sig : "?";
  };
  ssh_callbacks_init(&ch_cb_);
  if (ch_) ssh_set_channel_callbacks(ch_, &ch_cb_);
  state_ = State::Channel;
}

void Session::back_to_login(const std::string& why) {
  // The shell nobody asked for failed (a startup file that exits or hangs): the login itself is
  // fine, and may carry a transfer right now. It goes on without a shell; the next command that
  // needs one opens it again and is told what fails.
  log::debug("ssh {}: the kept login's shell failed ({}): a login without a shell again",
             ep_.node_label, why);
  for (auto* t : {&deadline_timer_, &setup_timer_, &idle_timer_, &keepalive_timer_, &close_timer_})
    if (*t) loop_.cancel(*t), *t = 0;
  if (ch_) ssh_channel_free(ch_), ch_ = nullptr;
  outq_.clear();  // the setup line that shell never read
  output_.reset();
  scanner_ = PromptScanner(make_nonce());
  unasked_shell_ = false;
  shell_wanted_ = false;
  state_ = State::LoggedIn;
  update_watch();
}

void Session::open_shell(bool unasked) {
  shell_wanted_ = true;
  unasked_shell_ = unasked && state_ == State::LoggedIn;  // a line asked for it first: not unasked
  if (state_ != State::LoggedIn) return;
  begin_shell();
  step();
}

bool Session::check_host_key() {
  std::string err, notice;
  bool changed = false;
  bool ok = verify_host_key(ssh_, strict_, known_hosts_, ep_.node_label, &err, &notice, &changed);
  if (changed) host_key_changed_ = true;  // for as long as this session lives: no secret goes to it
  if (!notice.empty()) obs_.on_notice(*this, notice);
  if (!ok) fail(err);
  return ok;
}

}  // namespace dust::ssh
