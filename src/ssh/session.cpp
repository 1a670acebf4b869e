// Session: the per-node state machine's I/O (bounded reads, queued writes) and its shell protocol:
// prompt markers end commands (PS1) or reveal an incomplete one (PS2), output goes through the
// throttle.
#include "ssh/session.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <poll.h>

#include <algorithm>
#include <csignal>

#include "ssh/jump.h"
#include "util/log.h"

namespace dust::ssh {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
// A node that outpaces dust for this long is a flood (for an interactive command: summarised).
constexpr auto kOutpaced = std::chrono::seconds(2);

namespace {
constexpr size_t kReadChunk = 16384;
constexpr size_t kReadBudget = 65536;     // per session per loop turn: nobody starves the others
constexpr auto kIdleFlush = 150ms;        // interactive: a prompt shows at once
constexpr auto kIdleFlushBatch = 1000ms;  // one-shot and script mode, and while streaming
// A node that sent this much within the last second is streaming: a pause there is far more likely
// a stall inside a line (a busy machine, a full pipe) than a prompt waiting for an answer.
constexpr size_t kStreamingBytes = 256 * 1024;
constexpr auto kExitStatusWait = 3s;  // after the shell's end of file, for its exit status
// What the shell says by exiting 2 too (`bash -c "echo 'abc"`): the line was not a complete
// command.
constexpr int kIncompleteStatus = 2;

std::string debug_escape(std::string_view d) {
  std::string o;
  for (unsigned char c : d)
    if (c >= 0x20 && c < 0x7f)
      o.push_back(static_cast<char>(c));
    else
      o += fmt::format("\\x{:02x}", c);
  return o;
}

}  // namespace

const char* state_name(Session::State s) {
  static const char* names[] = {"idle", "connecting", "auth",  "logged in", "channel",
                                "pty",  "shell",      "setup", "ready",     "busy",
                                "raw",  "closed",     "failed"};
  return names[static_cast<int>(s)];
}

Session::Session(EventLoop& loop, const Options& opt, Endpoint ep, SessionObserver& obs)
    : loop_(loop),
      opt_(opt),
      ep_(std::move(ep)),
      obs_(obs),
      scanner_(make_nonce()),
      output_({opt.summarise_floods, opt.output_burst_bytes, opt.output_rate_bytes_per_s}) {
  summarise_ = opt.summarise_floods;
}

Session::~Session() { teardown(); }

void Session::step() {
  if (in_step_ || ended() || state_ == State::Idle) return;
  in_step_ = true;
  bool ok = true;
  if (state_ < State::Setup) ok = step_handshake();
  if (ok && state_ >= State::Setup && ch_) {
    flush_writes();
    if (!ended() && !paused_) pump();
  }
  // A transfer's channels advance from the login on. A copy runs: the transfer may drop its hook
  // from inside it (its node is done).
  if (ok && logged_in() && io_hook_) {
    std::function<void()> hook = io_hook_;
    hook();
  }
  // Output handlers may have queued input (the pool sends a waiting line on_ready).
  if (ok && state_ >= State::Setup && ch_ && !ended() && !outq_.empty()) flush_writes();
  in_step_ = false;
  if (ended()) return;
  update_watch();
  // libssh may read a reply into its own buffers during a call that still returns SSH_AGAIN; the
  // socket then stays quiet, so handshakes are also re-driven by a short tick.
  if (state_ < State::Setup && state_ != State::LoggedIn && !tick_timer_ &&
      !(held_ && key_exchanged_))
    tick_timer_ = loop_.after(10ms, [this] { tick_timer_ = 0, step(); });
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
    // The node outpaces dust itself (a busy machine reads less per second than the flood limit
    // counts): for an interactive command, a flood that lasts is summarised all the same.
    auto now = Clock::now();
    if (!outpaced_since_)
      outpaced_since_ = now;
    else if (summarise_ && now - *outpaced_since_ > kOutpaced)
      output_.set_congested(true);
    // More is buffered inside libssh; take it on the next turn, after the other sessions.
    if (!pump_scheduled_) {
      pump_scheduled_ = true;
      loop_.after(0ms, [this] {
        if (pump_scheduled_) step();
      });
    }
    return;
  }
  if (outpaced_since_) {
    outpaced_since_.reset();
    output_.set_congested(backlogged_ && summarise_);
  }
  if (ssh_channel_is_eof(ch_) || ssh_channel_is_closed(ch_)) on_channel_closed();
}

namespace {
// The number of a signal as ssh names it in exit-signal (RFC 4254 §6.10: "KILL", "SEGV"...).
int signal_number(const std::string& name) {
  static const std::pair<const char*, int> kSignals[] = {
      {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},
      {"ILL", SIGILL},   {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE},
      {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"TERM", SIGTERM}, {"USR1", SIGUSR1},
      {"USR2", SIGUSR2}, {"BUS", SIGBUS},   {"XCPU", SIGXCPU}, {"SYS", SIGSYS}};
  for (const auto& [n, v] : kSignals)
    if (name == n) return v;
  return 0;
}
}  // namespace

void Session::on_channel_closed() {
  // The shell's end of file comes before its exit status (OpenSSH sends it just after): a command
  // that ended the shell waits a moment for it, or for the channel's close.
  bool known =
      ssh_channel_get_exit_status(ch_) >= 0 || !exit_signal_.empty() || ssh_channel_is_closed(ch_);
  if (state_ == State::Busy && !known) {
    if (!close_timer_)
      close_timer_ = loop_.after(kExitStatusWait, [this] { close_timer_ = 0, finish_closed(); });
    return;
  }
  finish_closed();
}

void Session::finish_closed() {
  if (ended()) return;
  if (unasked_shell_ && (state_ == State::Channel || state_ == State::Setup) && ssh_ &&
      ssh_is_connected(ssh_)) {
    back_to_login("the login shell ended before it was ready");
    return;
  }
  bool busy = state_ == State::Busy, setting_up = state_ == State::Setup;
  int status = ch_ ? ssh_channel_get_exit_status(ch_) : -1;
  output_.end_command(
      Clock::now(), [this](std::string_view l) { show_line(l); },
      [this](const std::string& m) { show_notice(m); });
  teardown();
  state_ = State::Closed;
  if (busy && status >= 0) {
    // The command ended the shell (`exit 3`): that is its status, and the session is gone.
    obs_.on_notice(*this, fmt::format("the shell exited with status {}: session ended", status));
    obs_.on_done(*this, status);
  } else if (busy && !exit_signal_.empty()) {
    // Killed by a signal (`kill -9 $$`, the OOM killer): a failure, with the status a shell
    // reports for it (128 + the signal's number), never success.
    int num = signal_number(exit_signal_);
    obs_.on_notice(*this,
                   fmt::format("the shell was killed by signal {}: session ended", exit_signal_));
    obs_.on_done(*this, num > 0 ? 128 + num : 255);
  } else if (setting_up) {
    // Nothing ran: a failure, never a clean close (its command would otherwise count as done).
    obs_.on_closed(*this,
                   "the login shell ended before it was ready (does a startup file exit, "
                   "or set -e?)");
    return;
  }
  obs_.on_closed(*this, "");
}

void Session::handle_output(std::string_view data) {
  last_data_ = Clock::now();
  if (last_data_ - rate_window_start_ >= 1s) {
    prev_window_bytes_ = last_data_ - rate_window_start_ < 2s ? window_bytes_ : 0;
    window_bytes_ = 0;
    rate_window_start_ = last_data_;
  }
  window_bytes_ += data.size();
  if (log::level() >= log::Level::Debug)
    log::debug("ssh {} [{}] << {}", ep_.node_label, state_name(state_),
               debug_escape(data.substr(0, 400)));
  if (state_ == State::Raw && !raw_entering_ && !raw_busy_) return raw_sink_(data);
  scanner_.feed(
      data, [this](std::string_view d) { on_text(d); }, [this](int status) { on_marker(status); });
}

void Session::on_text(std::string_view d) {
  if (state_ == State::Setup || raw_entering_ || cancelling_)
    return;  // echo of our own lines, banners
  if (state_ == State::Raw) return raw_busy_ ? raw_text(d) : raw_sink_(d);
  output_.feed(
      d, Clock::now(), [this](std::string_view l) { show_line(l); },
      [this](const std::string& m) { show_notice(m); });
  if (output_.has_partial()) arm_idle_timer();
}

void Session::on_marker(int status) {
  if (state_ == State::Setup) {
    if (!is_setup_status(status)) return;
    // Input arrives in order: the copies sent before this one were eaten, those after it will still
    // run (their markers are skipped).
    stale_setups_ = std::max(0, setup_attempts_ - 1 - (status - kSetupStatusBase));
    state_ = State::Ready;
    used_ = true;
    unasked_shell_ = false;
    if (deadline_timer_) loop_.cancel(deadline_timer_), deadline_timer_ = 0;
    if (first_ == First::Sent) {
      // The first setup line ran: so does the line right behind it. Another one ran first: that
      // line was a no-op, and the pool sends it again now.
      bool runs = status == kSetupStatusBase;
      first_ = runs ? First::Running : First::None;
      first_running_ = runs;  // setup lines sent again come after it: their markers follow its own
      if (runs) {
        state_ = State::Busy;
        line_breaks_ = static_cast<int>(std::count(first_line_.begin(), first_line_.end(), '\n'));
      }
      first_line_.clear();
    }
    arm_keepalive();
    obs_.on_ready(*this);
  } else if (raw_entering_) {
    raw_entering_ = false;                  // what follows (the rawshell prompt) is the user's
    outq_ += std::exchange(raw_held_, {});  // keys typed meanwhile (step() writes them after pump)
  } else if (state_ == State::Raw && raw_busy_) {
    // The attached command ended: report it, then make the shell itself interactive.
    raw_busy_ = false;
    if (!is_continuation_status(status)) obs_.on_done(*this, status);
    send_raw_enter();
    step();
  } else if (is_continuation_status(status)) {
    // PS2: the shell waits for the rest of a command (an unbalanced quote, a trailing `|`...). dust
    // sends whole lines, so nothing will complete it: cancel it, and report it as the shell would.
    if (state_ != State::Busy || cancelling_) return;
    if (line_breaks_ > 0) {
      --line_breaks_;  // a command of several lines (Lua's dust.run may send one): the rest follows
      return;
    }
    cancelling_ = true;
    output_.end_command(
        Clock::now(), [this](std::string_view l) { show_line(l); },
        [this](const std::string& m) { show_notice(m); });
    obs_.on_notice(*this, "incomplete command (unbalanced quote?): cancelled");
    outq_ += status == kZshContinuationStatus ? "\x03\n" : "\x03";
    step();
  } else if (is_setup_status(status) && stale_setups_ > 0 && !first_running_) {
    --stale_setups_;  // a repeated setup line that ran after all (they come after a pipelined line)
  } else if (state_ == State::Busy) {
    if (!std::exchange(first_running_, false)) stale_setups_ = 0;
    if (cancelling_) status = kIncompleteStatus;
    cancelling_ = false;
    output_.end_command(
        Clock::now(), [this](std::string_view l) { show_line(l); },
        [this](const std::string& m) { show_notice(m); });
    state_ = State::Ready;
    obs_.on_done(*this, status);
  }
  // A marker while Ready: a line typed ahead ran as its own command; nothing to report.
}

void Session::show_line(std::string_view line) { obs_.on_line(*this, line); }

void Session::show_notice(const std::string& msg) { obs_.on_notice(*this, msg); }

void Session::flush_partial() {
  if (output_.has_partial()) obs_.on_partial(*this, output_.take_partial());
}

void Session::arm_idle_timer() {
  if (idle_timer_) return;
  // A partial line (a prompt such as `[Y/n] `) is shown after a quiet time. One-shot and script
  // mode, and a node that is streaming, wait longer: a line split by a pause in the stream would
  // be shown (or reach a file) as two lines.
  bool streaming = window_bytes_ + prev_window_bytes_ >= kStreamingBytes;
  const std::chrono::milliseconds idle = summarise_ && !streaming ? kIdleFlush : kIdleFlushBatch;
  idle_timer_ = loop_.after(idle, [this, idle] {
    idle_timer_ = 0;
    // Take what already arrived first: when dust itself was busy (a slow reader), the socket may
    // hold the rest of the line although last_data_ is old.
    step();
    if (ended() || idle_timer_ || !output_.has_partial()) return;  // (re)armed by what arrived
    if (paused_) {
      // Its client is behind, so dust stopped reading: the rest of the line may be waiting unread
      // in the socket, and the node is not quiet. Shown now, one line would reach the file as two.
      idle_timer_ = loop_.after(idle, [this] { idle_timer_ = 0, arm_idle_timer(); });
      return;
    }
    auto quiet = Clock::now() - last_data_;
    if (quiet >= idle)
      flush_partial();
    else
      idle_timer_ =
          loop_.after(std::chrono::duration_cast<std::chrono::milliseconds>(idle - quiet) + 1ms,
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
  if (ssh_ && (wrote || (ssh_get_poll_flags(ssh_) & SSH_WRITE_PENDING)))
    ssh_blocking_flush(ssh_, 0);
}

void Session::set_io_hook(std::function<void()> hook) {
  io_hook_ = std::move(hook);
  update_watch();  // a login without a shell is watched only while a transfer rides on it
}

void Session::update_watch() {
  if (fd_ < 0 || !ssh_) return;
  // A login without a shell and without a transfer (done, or interrupted before it came): nothing
  // reads its socket or runs libssh's poll, whose wish to write (SSH_WRITE_PENDING) then stays set
  // on an empty buffer; watching it would spin the loop. What comes waits in the socket for the
  // next transfer, or for the shell a line opens.
  bool idle_login = state_ == State::LoggedIn && !io_hook_;
  bool held_back = (paused_ && state_ >= State::Setup) || idle_login;
  short ev = held_back ? 0 : POLLIN;
  bool write_pending = (ssh_get_poll_flags(ssh_) & SSH_WRITE_PENDING) != 0;
  if (held_back && write_pending && outq_.empty()) {
    // libssh clears its wish to write only in its own poll, which runs when the channel is read: a
    // paused session never runs it, and watching the always-writable socket for that stale wish
    // spun the loop at 100% CPU. Whatever libssh really still holds is flushed a few times a
    // second.
    write_pending = false;
    if (!idle_login && !flush_timer_)
      flush_timer_ = loop_.after(200ms, [this] { flush_timer_ = 0, step(); });
  }
  if (state_ == State::Connecting) {
    // POLLOUT until the TCP connect is through; then only what comes. libssh keeps wishing to
    // write for the whole key exchange (its own poll never clears it while ssh_connect waits),
    // and that stale wish on an always-writable socket spun the loop 10,000-20,000 times per
    // login. What it writes meanwhile (banner, KEXINIT, the key exchange) is small and goes at
    // once; the 10 ms tick above drives it all the same.
    write_pending = !tcp_up_;
  }
  if (write_pending) ev |= POLLOUT;
  loop_.set_events(fd_, ev);
}

void Session::set_summarise(bool on) {
  summarise_ = on;
  output_.set_summarise(on);
  outpaced_since_.reset();
  set_backlogged(backlogged_);  // the new command's way of waiting, if its client is behind
}

void Session::set_backlogged(bool on) {
  backlogged_ = on;
  output_.set_congested(on && summarise_);
  set_paused(on && !summarise_);
}

void Session::set_paused(bool on) {
  if (paused_ == on) return;
  paused_ = on;
  if (!ended()) step();  // resumed: read what waits; paused: stop watching for input
}

bool Session::send_line(const std::string& line) {
  if (!usable()) return false;
  outq_ += line;
  outq_ += '\n';
  if (state_ == State::Ready) {
    state_ = State::Busy;
    line_breaks_ = static_cast<int>(std::count(line.begin(), line.end(), '\n'));
  }
  arm_keepalive();
  step();
  return true;
}

namespace {
// Whether `line` arrives intact in a pty still in canonical mode (the setup line's `stty -icanon`
// has not run when it arrives): no line near the canonical limit (4,095 bytes, the guard included),
// no control character the line discipline acts on (erase, kill, ^C...).
bool tty_safe(const std::string& line) {
  size_t run = 0;
  for (unsigned char c : line) {
    if (c == '\n') {
      run = 0;
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7f || ++run > 3000) return false;
  }
  return true;
}
}  // namespace

bool Session::pipeline(const std::string& line) {
  if (state_ >= State::Setup || first_ != First::None || !tty_safe(line)) return false;
  first_line_ = line;  // guarded when sent: the nonce is new for each connection
  first_ = First::Queued;
  return true;
}

void Session::drop_pipelined() {
  if (first_ == First::Queued) first_ = First::None, first_line_.clear();
}

bool Session::take_pipelined() {
  if (first_ != First::Running) return false;
  first_ = First::None;
  return true;
}

void Session::send_setup(bool first) {
  if (first) setup_attempts_ = 0;
  outq_ += shell_setup_line(scanner_.nonce(), setup_attempts_++);
  if (first && first_ == First::Queued) {
    first_line_ = guarded_line(scanner_.nonce(), first_line_);
    outq_ += first_line_;
    outq_ += '\n';
    first_ = First::Sent;
  } else if (first) {
    first_ = First::None;  // back from raw mode: nothing rides along
  }
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

bool Session::send_secret(const std::string& secret) {
  if (state_ != State::Busy || host_key_changed_) return false;
  flush_writes();
  if (!outq_.empty() || !ch_) {
    // Behind queued input (rare: the remote window is full): it must keep its place.
    outq_ += secret;
    outq_ += '\n';
    step();
    return true;
  }
  std::string line = secret + '\n';
  size_t done = 0;
  while (done < line.size()) {
    int n = ssh_channel_write(ch_, line.data() + done, static_cast<uint32_t>(line.size() - done));
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (done < line.size()) outq_.append(line, done, std::string::npos);
  OPENSSL_cleanse(line.data(), line.size());
  ssh_blocking_flush(ssh_, 0);
  step();
  return true;
}

void Session::interrupt() {
  if (!ch_ || handshaking()) return;
  outq_ += '\x03';
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
  for (auto* t : {&deadline_timer_, &idle_timer_, &keepalive_timer_, &tick_timer_, &setup_timer_,
                  &close_timer_, &flush_timer_})
    if (*t) loop_.cancel(*t), *t = 0;
  pump_scheduled_ = false;
  if (fd_ >= 0) loop_.unwatch(fd_), fd_ = -1;
  if (tunnel_) tunnel_->on_error = nullptr, tunnel_.reset();  // the jump host sees our end close
  if (ch_) ssh_channel_free(ch_), ch_ = nullptr;
  if (ssh_) {
    if (ssh_is_connected(ssh_)) ssh_disconnect(ssh_);
    ssh_free(ssh_);
    ssh_ = nullptr;
  }
}

}  // namespace dust::ssh
