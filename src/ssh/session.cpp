// Session: the per-node non-blocking libssh state machine and its output path.
#include "ssh/session.h"

#include <fmt/format.h>
#include <libssh/callbacks.h>
#include <poll.h>

#include <algorithm>
#include <cstdlib>

#include "ssh/host_keys.h"
#include "ssh/ssh_config.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::ssh {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {
constexpr size_t kReadChunk = 16384;
constexpr size_t kReadBudget = 65536;  // per session per loop turn: nobody starves the others
constexpr auto kIdleFlush = 150ms;
constexpr auto kSetupTimeout = 30s;
constexpr auto kHandshakeGrace = 30s;  // after connect_timeout, for a server that answered but is slow
constexpr int kLineCols = 250, kLineRows = 50;  // wide, so that line mode rarely wraps or truncates
std::string debug_escape(std::string_view d) {
  std::string o;
  for (unsigned char c : d)
    if (c >= 0x20 && c < 0x7f) o.push_back(static_cast<char>(c));
    else o += fmt::format("\\x{:02x}", c);
  return o;
}

// libssh's own messages go to dust's log (debug), never straight to stderr: a `LogLevel` line in the
// user's ssh config would otherwise make libssh print its internals under the nodes' output.
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

const char* state_name(Session::State s) {
  static const char* names[] = {"idle",  "connecting", "auth",  "channel", "pty",    "shell",
                                "setup", "ready",      "busy",  "raw",     "closed", "failed"};
  return names[static_cast<int>(s)];
}

Session::Session(EventLoop& loop, const Options& opt, Endpoint ep, SessionObserver& obs)
    : loop_(loop), opt_(opt), ep_(std::move(ep)), obs_(obs), scanner_(make_nonce()),
      tokens_(static_cast<double>(opt.output_burst_bytes)) {}

Session::~Session() { teardown(); }

void Session::start() {
  teardown();
  state_ = State::Connecting;
  scanner_ = PromptScanner(make_nonce());
  lines_.clear();
  outq_.clear();
  raw_entering_ = false;
  raw_sink_ = nullptr;
  ssh_ = ssh_new();
  // libssh would look up the passwd entry for ~; dust's ~ is $HOME (PRODUCT.md §1).
  std::string dir = paths::join(paths::home(), ".ssh");
  ssh_options_set(ssh_, SSH_OPTIONS_HOST, ep_.host.c_str());
  ssh_options_set(ssh_, SSH_OPTIONS_SSH_DIR, dir.c_str());
  ssh_options_set(ssh_, SSH_OPTIONS_KNOWNHOSTS, paths::join(dir, "known_hosts").c_str());
  // Identities are prepended, so add them lowest precedence first: KeyName keys, then the ssh config's
  // IdentityFile entries (parse_config prepends them), then the node's own keyfile.
  auto names = key_name_candidates(ep_, opt_);
  for (auto it = names.rbegin(); it != names.rend(); ++it) ssh_options_set(ssh_, SSH_OPTIONS_IDENTITY, it->c_str());
  std::string config = opt_.ssh_config.empty() ? paths::join(dir, "config") : paths::expand_user(opt_.ssh_config);
  ssh_options_parse_config(ssh_, config.c_str());  // a missing file is fine; also stops the default parse
  set_libssh_logging(ssh_);                          // after the config: its LogLevel is not ours
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
  // ProxyJump (cluster file, else ssh config) through OpenSSH, with dust's config file; libssh's own
  // conversion of the config's ProxyJump would run `ssh` on the passwd entry's ~/.ssh/config.
  std::string jump = !ep_.proxy_jump.empty() ? ep_.proxy_jump : ssh_config_value(config, ep_.host, "ProxyJump");
  if (!jump.empty() && jump != "none")
    ssh_options_set(ssh_, SSH_OPTIONS_PROXYCOMMAND, proxy_command(jump, config).c_str());
  strict_ = !opt_.strict_host_key.empty() ? opt_.strict_host_key
                                          : ssh_config_value(config, ep_.host, "StrictHostKeyChecking");
  // Key files first, the agent after them (PRODUCT.md §2): libssh's automatic order is the reverse, and
  // an agent holding many keys would use up the server's MaxAuthTries before the right file is tried.
  // So the first pass runs with the agent switched off; the agent gets its own pass if the files fail.
  agent_sock_ = agent_socket(config, ep_.host);
  agent_pass_ = false;
  ssh_options_set(ssh_, SSH_OPTIONS_IDENTITY_AGENT, "/dev/null");
  ssh_set_blocking(ssh_, 0);
  // ConnectTimeout from the ssh config is per host, so it wins over dust's ssh.connect_timeout.
  connect_timeout_s_ = opt_.connect_timeout_s;
  if (std::string v = ssh_config_value(config, ep_.host, "ConnectTimeout"); !v.empty()) {
    int t = std::atoi(v.c_str());
    if (t > 0) connect_timeout_s_ = t;
    else
      log::warn("ssh config {}: ConnectTimeout '{}' is not a number of seconds; using {} s", config, v,
                connect_timeout_s_);
  }
  deadline_extended_ = false;
  deadline_timer_ = loop_.after(std::chrono::seconds(connect_timeout_s_), [this] { on_connect_deadline(); });
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
  int waited = connect_timeout_s_ + (deadline_extended_ ? static_cast<int>(kHandshakeGrace.count()) : 0);
  fail(fmt::format("{} timed out after {} s", answered ? "ssh handshake" : "connection", waited));
}

void Session::step() {
  if (in_step_ || ended() || state_ == State::Idle) return;
  in_step_ = true;
  bool ok = true;
  if (state_ < State::Setup) ok = step_handshake();
  if (ok && state_ >= State::Setup && ch_) {
    flush_writes();
    if (!ended()) pump();
    if (!ended() && io_hook_) io_hook_();
    // Output handlers may have queued input (the pool sends a waiting line on_ready).
    if (!ended() && !outq_.empty()) flush_writes();
  }
  in_step_ = false;
  if (ended()) return;
  update_watch();
  // libssh may read a reply into its own buffers during a call that still returns SSH_AGAIN; the
  // socket then stays quiet, so handshakes are also re-driven by a short tick.
  if (state_ < State::Setup && !tick_timer_)
    tick_timer_ = loop_.after(10ms, [this] { tick_timer_ = 0, step(); });
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
        if (rc != SSH_OK) return fail(fmt::format("cannot connect to {}: {}", ep_.host, ssh_get_error(ssh_))), false;
        if (!check_host_key()) return false;
        state_ = State::Auth;
        break;
      case State::Auth:
        rc = agent_pass_ ? ssh_userauth_agent(ssh_, nullptr) : ssh_userauth_publickey_auto(ssh_, nullptr, nullptr);
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
          return fail(fmt::format("authentication failed for {}@{}{} (tried key files{}{}, then {})", user,
                                  ep_.host, why, ep_.keyfile.empty() ? "" : " starting with ", ep_.keyfile,
                                  agent_sock_.empty() ? "no ssh-agent (none running)" : "the ssh-agent")),
                 false;
        }
        if (deadline_timer_) loop_.cancel(deadline_timer_);
        deadline_timer_ = loop_.after(kSetupTimeout, [this] {
          deadline_timer_ = 0;
          if (handshaking())
            fail("the remote shell did not answer dust's setup line within 30 s "
                 "(dust drives bash, dash and zsh login shells)");
        });
        ch_ = ssh_channel_new(ssh_);
        state_ = State::Channel;
        break;
      case State::Channel:
        rc = ssh_channel_open_session(ch_);
        if (rc == SSH_AGAIN) return true;
        if (rc != SSH_OK) return fail(fmt::format("cannot open a channel: {}", ssh_get_error(ssh_))), false;
        state_ = State::Pty;
        break;
      case State::Pty: {
        std::string term = opt_.term;
        if (term.empty()) term = std::getenv("TERM") ? std::getenv("TERM") : "xterm";
        if (term.empty() || term == "dumb") term = "xterm";
        rc = ssh_channel_request_pty_size(ch_, term.c_str(), kLineCols, kLineRows);
        if (rc == SSH_AGAIN) return true;
        if (rc != SSH_OK) return fail(fmt::format("pty request refused: {}", ssh_get_error(ssh_))), false;
        state_ = State::Shell;
        break;
      }
      case State::Shell:
        rc = ssh_channel_request_shell(ch_);
        if (rc == SSH_AGAIN) return true;
        if (rc != SSH_OK) return fail(fmt::format("shell request refused: {}", ssh_get_error(ssh_))), false;
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

void Session::pump() {
  pump_scheduled_ = false;
  char buf[kReadChunk];
  size_t budget = kReadBudget;
  while (budget > 0 && ch_) {
    int n = ssh_channel_read_nonblocking(ch_, buf, sizeof buf, 0);
    if (n > 0) {
      handle_output(std::string_view(buf, n));
      if (ended() || !ch_) return;
      budget -= std::min<size_t>(budget, n);
      continue;
    }
    if (n == SSH_ERROR || (ssh_get_status(ssh_) & SSH_CLOSED_ERROR)) {
      std::string why = ssh_get_error(ssh_);
      return fail(fmt::format("connection lost{}{}", state_ == State::Busy ? " mid-command" : "",
                              why.empty() ? "" : ": " + why));
    }
    break;  // 0: nothing more now; SSH_EOF handled below
  }
  if (!ch_) return;
  if (budget == 0 && ssh_channel_poll(ch_, 0) > 0) {
    // More is buffered inside libssh; take it on the next turn, after the other sessions.
    if (!pump_scheduled_) {
      pump_scheduled_ = true;
      loop_.after(0ms, [this] { if (pump_scheduled_) step(); });
    }
    return;
  }
  if (ssh_channel_is_eof(ch_) || ssh_channel_is_closed(ch_)) on_channel_closed();
}

void Session::on_channel_closed() {
  if (lines_.has_partial()) deliver_line(lines_.take_partial());
  bool was_raw = state_ == State::Raw;
  teardown();
  state_ = State::Closed;
  (void)was_raw;
  obs_.on_closed(*this, "");
}

void Session::handle_output(std::string_view data) {
  last_data_ = Clock::now();
  if (log::level() >= log::Level::Debug)
    log::debug("ssh {} [{}] << {}", ep_.node_label, state_name(state_), debug_escape(data.substr(0, 400)));
  if (state_ == State::Raw && !raw_entering_) return raw_sink_(data);
  scanner_.feed(
      data,
      [this](std::string_view d) {
        if (state_ == State::Setup || raw_entering_) return;  // echo of our own lines, banners
        if (state_ == State::Raw) return raw_sink_(d);
        if (dropped_lines_ && !refill_covers(d.size())) {
          // Still flooding: count the chunk instead of splitting it line by line (a 1 GB flood is
          // 500M lines; per-line work would make dust itself the bottleneck).
          size_t nl = static_cast<size_t>(std::count(d.begin(), d.end(), '\n'));
          dropped_lines_ += nl;
          dropped_bytes_ += d.size();
          if (nl) lines_.clear();
          auto now = Clock::now();
          if (now - last_drop_notice_ >= 2s) {
            last_drop_notice_ = now;
            obs_.on_notice(*this, fmt::format("… {:.1f} MB not shown so far", dropped_bytes_ / 1048576.0));
          }
          return;
        }
        lines_.feed(d, [this](std::string_view l) { deliver_line(l); });
        if (lines_.has_partial()) arm_idle_timer();
      },
      [this](int status) {
        if (state_ == State::Setup) {
          if (!is_setup_status(status)) return;
          stale_setups_ = setup_attempts_ - 1;
          state_ = State::Ready;
          used_ = true;
          if (deadline_timer_) loop_.cancel(deadline_timer_), deadline_timer_ = 0;
          arm_keepalive();
          obs_.on_ready(*this);
        } else if (raw_entering_) {
          raw_entering_ = false;  // what follows (the rawshell prompt) is the user's
        } else if (is_setup_status(status) && stale_setups_ > 0) {
          --stale_setups_;  // a repeated setup line that ran after all
        } else if (state_ == State::Busy) {
          stale_setups_ = 0;
          if (lines_.has_partial()) deliver_line(lines_.take_partial());
          if (dropped_lines_) {
            obs_.on_notice(*this, fmt::format("{} lines ({:.1f} MB) of output not shown (output flood)",
                                              dropped_lines_, dropped_bytes_ / 1048576.0));
            dropped_lines_ = dropped_bytes_ = 0;
          }
          state_ = State::Ready;
          obs_.on_done(*this, status);
        }
        // A marker while Ready: a line typed ahead ran as its own command; nothing to report.
      });
}

bool Session::refill_covers(size_t n) {
  auto now = Clock::now();
  double elapsed = std::chrono::duration<double>(now - refill_at_).count();
  refill_at_ = now;
  tokens_ = std::min<double>(opt_.output_burst_bytes, tokens_ + elapsed * opt_.output_rate_bytes_per_s);
  return tokens_ >= static_cast<double>(n);
}

void Session::deliver_line(std::string_view line) {
  auto now = Clock::now();
  double elapsed = std::chrono::duration<double>(now - refill_at_).count();
  refill_at_ = now;
  tokens_ = std::min<double>(opt_.output_burst_bytes, tokens_ + elapsed * opt_.output_rate_bytes_per_s);
  if (tokens_ >= static_cast<double>(line.size() + 64)) {
    // Each line costs at least 64 bytes: printing a line has a fixed cost (prefix, write), so a
    // flood of short lines (`yes`) is limited too.
    tokens_ -= static_cast<double>(line.size() + 64);
    obs_.on_line(*this, printable(line));
    return;
  }
  if (dropped_lines_ == 0) {
    last_drop_notice_ = now;
    obs_.on_notice(*this, "output faster than can be shown: summarising");
  }
  ++dropped_lines_;
  dropped_bytes_ += line.size() + 1;
  if (now - last_drop_notice_ >= 2s) {
    last_drop_notice_ = now;
    obs_.on_notice(*this, fmt::format("… {:.1f} MB not shown so far", dropped_bytes_ / 1048576.0));
  }
}

void Session::flush_partial() {
  if (lines_.has_partial()) obs_.on_partial(*this, printable(lines_.take_partial()));
}

void Session::arm_idle_timer() {
  if (idle_timer_) return;
  idle_timer_ = loop_.after(kIdleFlush, [this] {
    idle_timer_ = 0;
    auto quiet = Clock::now() - last_data_;
    if (quiet >= kIdleFlush)
      flush_partial();
    else if (lines_.has_partial())
      idle_timer_ = loop_.after(std::chrono::duration_cast<std::chrono::milliseconds>(kIdleFlush - quiet) + 1ms,
                                [this] { idle_timer_ = 0, arm_idle_timer(); });
  });
}

void Session::flush_writes() {
  bool wrote = false;
  while (!outq_.empty() && ch_) {
    int n = ssh_channel_write(ch_, outq_.data(), static_cast<uint32_t>(outq_.size()));
    log::debug("ssh {}: write {} -> {}", ep_.node_label, outq_.size(), n);
    if (n == SSH_ERROR) return fail(fmt::format("connection lost: {}", ssh_get_error(ssh_)));
    if (n <= 0) break;  // remote window full: retried when the window grows (incoming data)
    outq_.erase(0, n);
    wrote = true;
  }
  // libssh only writes its socket buffer once its own poll has seen POLLOUT; let it poll now.
  if (ssh_ && (wrote || (ssh_get_poll_flags(ssh_) & SSH_WRITE_PENDING))) ssh_blocking_flush(ssh_, 0);
}

void Session::update_watch() {
  if (fd_ < 0 || !ssh_) return;
  short ev = POLLIN;
  if (ssh_get_poll_flags(ssh_) & SSH_WRITE_PENDING) ev |= POLLOUT;
  if (state_ == State::Connecting && !ssh_is_connected(ssh_)) ev |= POLLOUT;
  loop_.set_events(fd_, ev);
}

bool Session::send_line(const std::string& line) {
  if (!usable()) return false;
  outq_ += line;
  outq_ += '\n';
  if (state_ == State::Ready) state_ = State::Busy;
  arm_keepalive();
  step();
  return true;
}

void Session::send_setup(bool first) {
  if (first) setup_attempts_ = 0;
  outq_ += shell_setup_line(scanner_.nonce(), setup_attempts_++);
  setup_sent_at_ = Clock::now();
  if (setup_timer_) return;
  // Resend while the shell stays quiet and unconfigured (its rc file may have eaten the line).
  std::function<void()> check = [this] {
    setup_timer_ = 0;
    if (state_ != State::Setup) return;
    auto quiet = Clock::now() - std::max(last_data_, setup_sent_at_);
    if (quiet >= 800ms && setup_attempts_ < 10) {
      send_setup(false);
      step();
    }
    if (state_ == State::Setup && !setup_timer_) send_setup_timer();
  };
  setup_check_ = check;
  send_setup_timer();
}

void Session::send_setup_timer() {
  setup_timer_ = loop_.after(250ms, [this] { setup_check_(); });
}

void Session::arm_keepalive() {
  // An ignore message now and then keeps NAT/firewall state alive and surfaces dead peers.
  if (keepalive_timer_ || opt_.keepalive_s <= 0) return;
  keepalive_timer_ = loop_.after(std::chrono::seconds(opt_.keepalive_s), [this] {
    keepalive_timer_ = 0;
    if (!usable() && state_ != State::Raw) return;
    ssh_send_ignore(ssh_, "");
    arm_keepalive();
    step();
  });
}

void Session::interrupt() {
  if (!ch_ || handshaking()) return;
  outq_ += '\x03';
  step();
}

bool Session::enter_raw(std::function<void(std::string_view)> sink, int cols, int rows) {
  if (state_ != State::Ready) return false;
  raw_sink_ = std::move(sink);
  raw_entering_ = true;
  state_ = State::Raw;
  ssh_channel_change_pty_size(ch_, cols, rows);
  // Echo and line editing back on, a readable prompt; the printf'd marker tells us where the
  // shell's answer to this line ends and the user's session begins.
  outq_ += fmt::format(
      " stty echo opost 2>/dev/null; set -o emacs 2>/dev/null; [ -n \"$ZSH_VERSION\" ] && setopt ZLE;"
      " PS1='rawshell:{}:$PWD$ '; printf '\\036{}:0:'\n",
      ep_.node_label, scanner_.nonce().substr(1));
  step();
  return true;
}

void Session::write_raw(std::string_view bytes) {
  if (state_ != State::Raw) return;
  outq_.append(bytes);
  step();
}

void Session::resize(int cols, int rows) {
  if (ch_ && !handshaking()) ssh_channel_change_pty_size(ch_, cols, rows);
  step();
}

void Session::leave_raw() {
  if (state_ != State::Raw) return;
  raw_sink_ = nullptr;
  raw_entering_ = false;
  ssh_channel_change_pty_size(ch_, kLineCols, kLineRows);
  // Ctrl-U drops a half-typed line; the setup line restores the marker protocol (on_ready after).
  outq_ += "\x15";
  state_ = State::Setup;
  send_setup(true);
  step();
}

void Session::close() {
  teardown();
  state_ = State::Closed;
}

void Session::fail(const std::string& msg) {
  teardown();
  state_ = State::Failed;
  obs_.on_closed(*this, msg);
}

void Session::teardown() {
  for (auto* t : {&deadline_timer_, &idle_timer_, &keepalive_timer_, &tick_timer_, &setup_timer_})
    if (*t) loop_.cancel(*t), *t = 0;
  pump_scheduled_ = false;
  if (fd_ >= 0) loop_.unwatch(fd_), fd_ = -1;
  if (ch_) ssh_channel_free(ch_), ch_ = nullptr;
  if (ssh_) {
    if (ssh_is_connected(ssh_)) ssh_disconnect(ssh_);
    ssh_free(ssh_);
    ssh_ = nullptr;
  }
}

}  // namespace dust::ssh
