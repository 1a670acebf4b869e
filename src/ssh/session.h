// One node's ssh session: a non-blocking libssh state machine (connect → host key → auth → channel
// → pty → shell → setup → ready/busy) living in the shared EventLoop, and its shell's output
// stream. Defined in three files: session.cpp (I/O, the marker protocol), session_handshake.cpp
// (connect to shell), session_raw.cpp (raw mode); the flood accounting is OutputThrottle.
#pragma once
#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ssh/endpoint.h"
#include "ssh/line_buffer.h"
#include "ssh/options.h"
#include "ssh/output_throttle.h"
#include "ssh/prompt_scanner.h"
#include "ssh/pubkey_auth.h"
#include "util/event_loop.h"

namespace dust::ssh {

class Session;
class Jumps;
class Tunnel;

// What a session reports; the pool implements it and routes to the job's listener.
class SessionObserver {
 public:
  virtual ~SessionObserver() = default;
  virtual void on_ready(Session& s) = 0;  // shell set up (or back from raw)
  // Logged in without a shell (Session::set_shell_wanted(false)): its handshake slot is free.
  virtual void on_logged_in(Session& s) = 0;
  // Output lines as the node sent them (raw bytes, without "\n" or "\r\n"; the pool sanitises).
  virtual void on_line(Session& s, std::string_view raw) = 0;
  virtual void on_partial(Session& s, std::string_view raw) = 0;
  virtual void on_done(Session& s, int status) = 0;
  virtual void on_notice(Session& s, const std::string& msg) = 0;
  // The session ended: failed (message) or closed cleanly (`exit`, message empty). It can be
  // started again; the remote shell state is gone.
  virtual void on_closed(Session& s, const std::string& error) = 0;
};

class Session {
 public:
  enum class State {
    Idle,
    Connecting,
    Auth,
    LoggedIn,  // no shell wanted (yet): a transfer's channels ride on the connection
    Channel,
    Pty,
    Shell,
    Setup,
    Ready,
    Busy,
    Raw,
    Closed,
    Failed
  };

  Session(EventLoop& loop, const Options& opt, Endpoint ep, SessionObserver& obs);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const Endpoint& endpoint() const { return ep_; }
  State state() const { return state_; }
  bool handshaking() const {
    return state_ >= State::Connecting && state_ <= State::Setup && state_ != State::LoggedIn;
  }
  bool usable() const { return state_ == State::Ready || state_ == State::Busy; }
  bool ended() const { return state_ == State::Closed || state_ == State::Failed; }
  // Logged in: other channels (a transfer's) may open on handle(), whatever the shell's own
  // channel does meanwhile.
  bool logged_in() const { return state_ >= State::LoggedIn && state_ <= State::Raw; }
  // false: the session stops once logged in (LoggedIn) and opens no shell, as scp and sftp do not:
  // a transfer's remote commands run whatever the login shell's startup files do (one that exits,
  // hangs or cannot be driven), and cost no pty, shell and setup line. Effective only until the
  // login; open_shell() goes on from LoggedIn (a line was sent to it).
  void set_shell_wanted(bool on) { shell_wanted_ = on; }
  // `unasked`: nobody waits for this shell (a transfer's login kept for later commands): until it
  // is ready, its failure is the pool's to log, not to show (Pool::on_closed).
  void open_shell(bool unasked = false);
  bool unasked_shell() const { return unasked_shell_; }
  // A line waits for this session's shell: wanted, and no longer unasked.
  void want_shell() { shell_wanted_ = true, unasked_shell_ = false; }
  bool was_used() const { return used_; }  // a shell was ready once (state lost on reconnect)

  // Where ProxyJump tunnels come from (the pool's one session per jump host); without it, a
  // ProxyJump runs OpenSSH's `ssh -W`.
  void set_jumps(Jumps* jumps) { jumps_ = jumps; }
  void start();  // Idle/Closed/Failed → Connecting
  // Held: the connection goes as far as the key exchange and waits there, before the host key is
  // checked or anything is sent in the encrypted session (a node known only from a cached EC2
  // answer, being confirmed by a fresh one). Released, it goes on; a held session that fails says
  // nothing to its observer's users (Pool keeps it quiet).
  void set_held(bool on);
  bool held() const { return held_; }
  // Writes `line` + "\n" to the shell: a new command when Ready (→ Busy), input to the running
  // program when Busy. Returns false if the session is not usable.
  bool send_line(const std::string& line);
  // The first command, sent right behind the setup line instead of after its marker: one round
  // trip less for a cold command. Only for a line whose stdin is not the pty (a one-shot's, with
  // `</dev/null` or a file): a setup line sent again (the first eaten by a slow rc file) arrives
  // behind it and must not become its input. It runs only if the first setup line ran
  // (guarded_line); the setup marker says which, and take_pipelined() tells the pool at
  // on_ready. false: too late (the setup line went already) or a line is pipelined already.
  bool pipeline(const std::string& line);
  // At on_ready: true once if the pipelined line is running now (the pool must not send it).
  bool take_pipelined();
  bool pipelined_in_flight() const { return first_ == First::Sent; }  // sent, fate not yet known
  void drop_pipelined();  // the pool dropped the line before it was sent: forget it
  // A password for the running program (sudo): like input to a Busy session, but never logged or
  // kept — the copy queued here is wiped once written. The one path for secrets (sudo.h).
  bool send_secret(const std::string& secret);
  // The server's host key did not match known_hosts and StrictHostKeyChecking no let it through:
  // send_secret refuses (host_keys.h).
  bool host_key_changed() const { return host_key_changed_; }
  void interrupt();  // Ctrl-C on the pty: SIGINT to the foreground command
  void close();      // polite close, no callbacks

  // Transfers (src/transfer) ride on this connection once logged_in(): the libssh handle, and a
  // hook run after every step (socket activity) so that its own channel advances in the same loop;
  // poke() runs a step now.
  ssh_session handle() const { return ssh_; }
  void set_io_hook(std::function<void()> hook);
  void poke() { step(); }
  // Flood summarising for the commands sent from now on (the client's mode: interactive or not).
  void set_summarise(bool on);
  // Paused: the channel is not read (its window fills and the node waits), because whoever shows
  // this node's output cannot take more yet (a dust server's slow client). Never loses a byte.
  void set_paused(bool on);
  bool paused() const { return paused_; }
  // Whoever shows this node's output cannot take more yet: a command whose floods are summarised
  // (an interactive client's) counts its lines meanwhile, exactly; any other is paused.
  void set_backlogged(bool on);

  // Raw mode (raw_attach.cpp drives these). Bytes from the remote go to `sink` unparsed. A busy
  // session can be attached too: the running command's output and the user's keys pass through, its
  // end is still detected (then the shell itself is attached).
  bool enter_raw(std::function<void(std::string_view)> sink, int cols, int rows);
  void write_raw(std::string_view bytes);
  void resize(int cols, int rows);
  void
  leave_raw();  // back to line mode: re-runs the setup line (on_ready), or Busy if still running

 private:
  void step();            // advance the handshake / pump data; called on fd activity and timers
  bool step_handshake();  // false once failed
  bool check_host_key();
  void on_connect_deadline();  // connect_timeout: fail, or a grace period if the server answered
  void pump();                 // read a bounded amount, schedule more if libssh still holds data
  void handle_output(std::string_view data);
  void on_text(std::string_view text);  // command output between markers
  void on_marker(int status);           // the shell printed a prompt (PS1 or PS2)
  void show_line(std::string_view line);
  void show_notice(const std::string& msg);
  void flush_partial();
  void raw_text(std::string_view text);  // output while attached to a running command
  void send_raw_enter();                 // the line that turns the shell itself interactive
  void arm_idle_timer();
  void arm_keepalive();
  void begin_shell();  // logged in: the shell's channel, pty, shell request and setup line
  void send_setup(bool first);
  void send_setup_timer();
  void flush_writes();
  void update_watch();
  void fail(const std::string& msg);
  void teardown();
  void on_channel_closed();
  void finish_closed();                        // after the exit status arrived (or could not)
  void back_to_login(const std::string& why);  // an unasked shell failed: LoggedIn again

  EventLoop& loop_;
  const Options& opt_;
  bool summarise_ = false;
  bool paused_ = false;
  bool backlogged_ = false;
  // Since when the node has been sending faster than dust reads it (more waiting after every read
  // budget): an interactive command's flood is summarised once that lasts (pump()).
  std::optional<std::chrono::steady_clock::time_point> outpaced_since_;
  Endpoint ep_;
  SessionObserver& obs_;
  State state_ = State::Idle;
  ssh_session ssh_ = nullptr;
  Jumps* jumps_ = nullptr;
  std::shared_ptr<Tunnel> tunnel_;  // through a jump host
  ssh_channel ch_ = nullptr;
  // The shell's exit-signal ("KILL" for `kill -9 $$`, an OOM kill), reported as a failure.
  ssh_channel_callbacks_struct ch_cb_{};
  std::string exit_signal_;
  int fd_ = -1;
  bool used_ = false;
  bool unasked_shell_ = false;  // open_shell(true), until the shell is ready
  bool in_step_ = false;
  bool pump_scheduled_ = false;
  bool raw_entering_ = false;
  bool held_ = false;           // set_held
  bool shell_wanted_ = true;    // set_shell_wanted
  bool key_exchanged_ = false;  // ssh_connect completed (the host key not yet checked)
  bool tcp_up_ = false;         // the socket was writable once: its TCP connect is through
  std::string raw_held_;        // keys typed while raw mode was being entered
  bool raw_busy_ = false;       // raw mode attached while a command runs (its end not yet seen)
  bool cancelling_ = false;  // an incomplete command was cancelled with ^C: its prompt is expected
  int line_breaks_ = 0;      // in the running command: continuation prompts (PS2) that are expected
  // pipeline(): the line, and where it is (queued until the setup line goes; sent behind it;
  // running since the first setup line's marker came).
  std::string first_line_;
  enum class First { None, Queued, Sent, Running } first_ = First::None;
  bool first_running_ = false;  // that line runs: its marker is its own, never a stale setup's
  std::string strict_;          // StrictHostKeyChecking in effect
  bool host_key_changed_ = false;
  std::vector<std::string> known_hosts_;  // UserKnownHostsFile list in effect
  std::string connect_to_;                // HostName[:Port] from the ssh config, for messages
  PublicKeyAuth auth_;                    // key files, then the agent
  bool deadline_extended_ = false;
  int connect_timeout_s_ = 10;  // ssh config ConnectTimeout for this host, else Options
  EventLoop::TimerId deadline_timer_ = 0;
  EventLoop::TimerId idle_timer_ = 0;
  EventLoop::TimerId keepalive_timer_ = 0;
  EventLoop::TimerId tick_timer_ = 0;
  EventLoop::TimerId setup_timer_ = 0;
  EventLoop::TimerId close_timer_ = 0;  // end of file seen; waiting for the exit status
  EventLoop::TimerId flush_timer_ = 0;  // paused: retries what libssh may still hold to write
  std::function<void()> setup_check_;
  int setup_attempts_ = 0;
  int stale_setups_ = 0;  // setup lines sent again that may still run (their markers are skipped)
  std::chrono::steady_clock::time_point setup_sent_at_;
  std::chrono::steady_clock::time_point last_data_;
  // Bytes received in the current and the previous one-second window (is the node streaming?).
  std::chrono::steady_clock::time_point rate_window_start_;
  size_t window_bytes_ = 0, prev_window_bytes_ = 0;
  std::string outq_;  // bytes for the channel not yet accepted (remote window)
  PromptScanner scanner_;
  OutputThrottle output_;
  std::function<void(std::string_view)> raw_sink_;
  std::function<void()> io_hook_;
};

const char* state_name(Session::State s);

}  // namespace dust::ssh
