// ProxyJump without a process per node (PRODUCT.md §9): ONE libssh session per jump host (per
// chain prefix: `a`, then `a,b` through it), and for each node behind it a direct-tcpip channel on
// that session whose bytes are pumped to and from a socketpair; the node's own libssh session runs
// over the other end (SSH_OPTIONS_FD). The jump sessions live on one I/O thread of their own (one
// for all jump hosts, its own EventLoop): some node calls block (a connect, a transfer's cleanup
// after a cancel), which would otherwise wait for bytes that only the same loop could pump. The
// socketpairs are the only thing the two threads share, besides requests in and errors out (posted,
// handled on the main loop).
#pragma once
#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ssh/options.h"
#include "ssh/pubkey_auth.h"
#include "util/event_loop.h"

namespace dust::ssh {

class JumpHost;

// One connection's way through a jump host. The node's session keeps it while it connects and
// runs; the jump host pumps it until either side closes.
class Tunnel {
 public:
  ~Tunnel();
  Tunnel(const Tunnel&) = delete;
  Tunnel& operator=(const Tunnel&) = delete;

  // The node's end of the socketpair, for SSH_OPTIONS_FD (libssh closes it with the session).
  int take_node_fd() { return std::exchange(node_fd_, -1); }
  bool open() const { return state_.load() == State::Open; }
  // Why the connection is not through yet (for a node's connect timeout message).
  std::string waiting_for() const;
  // Called once, on the owner's loop (the main loop for a node's tunnel), when the jump host is
  // lost or cannot reach the target. The node's session clears it when it no longer cares
  // (teardown).
  std::function<void(const std::string&)> on_error;

 private:
  friend class JumpHost;
  friend class Jumps;
  enum class State { Waiting, Opening, Open, Closed };
  Tunnel(std::string jump, std::string host, int port)
      : jump_(std::move(jump)), host_(std::move(host)), port_(port) {}
  std::string jump_, host_;
  int port_;
  bool internal_ = false;                      // a hop of a chain: errors stay on the I/O thread
  std::atomic<State> state_ = State::Waiting;  // Waiting: the jump session is not ready yet
  // Everything below is the I/O thread's.
  int local_fd_ = -1, node_fd_ = -1;
  ssh_channel ch_ = nullptr;
  bool node_gone_ = false;   // the node closed its end: close the channel once opened
  bool remote_eof_ = false;  // the target closed its side
  std::string to_node_;      // from the channel, not yet written to the socketpair
  std::string to_remote_;    // from the node, not yet accepted by the channel (window)
  ssh_channel_callbacks_struct cb_{};
};

// One authenticated session to one hop of a jump chain.
class JumpHost {
 public:
  // Runs `fn` on the main loop (errors for the nodes, notices).
  using Post = std::function<void(std::function<void()>)>;
  // `hop` is "[user@]host[:port]"; `via` the previous hop of the chain (nullptr for the first).
  JumpHost(EventLoop& loop, const Options& opt, Post post, std::string chain,
           const std::string& hop, JumpHost* via);
  ~JumpHost();
  JumpHost(const JumpHost&) = delete;
  JumpHost& operator=(const JumpHost&) = delete;

  // A tunnel to host:port for the next hop of a chain (on this thread); the channel opens once the
  // session is ready. Never fails synchronously: errors arrive through Tunnel::on_error.
  std::shared_ptr<Tunnel> open(const std::string& host, int port);
  // A node's tunnel, its socketpair made on the main thread.
  void adopt(std::shared_ptr<Tunnel> t);
  bool failed() const { return failed_; }
  bool ready() const { return ready_; }
  const std::string& chain() const { return chain_; }

 private:
  void step();
  bool handshake();  // false once failed
  void pump();       // packets in, channels opened, bytes both ways
  void open_channel(Tunnel& t);
  void advance(Tunnel& t);  // channel open, writes, close
  void on_local(Tunnel& t, short revents);
  void write_local(Tunnel& t);
  void close_tunnel(Tunnel& t);
  void notify(std::shared_ptr<Tunnel> t, const std::string& why);
  void debug(std::string msg);  // logged on the main thread  // on_error on its owner's loop
  void update_watch();
  void arm_keepalive();
  void ask_nodelay();
  void fail(const std::string& msg);
  static int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* t);
  static void on_eof(ssh_session, ssh_channel, void* t);

  enum class Phase { Connecting, Auth, Ready };
  EventLoop& loop_;
  const Options& opt_;
  Post post_;
  std::string chain_, name_;  // name_: the hop as the user wrote it
  ssh_session ssh_ = nullptr;
  ssh_event event_ = nullptr;
  std::shared_ptr<Tunnel> via_;
  Phase phase_ = Phase::Connecting;
  bool ready_ = false, failed_ = false, in_step_ = false;
  PublicKeyAuth auth_;  // key files, then the agent
  std::string strict_, host_;
  std::vector<std::string> known_hosts_;
  int fd_ = -1;
  bool tcp_up_ = false;  // the socket was writable once (Session::update_watch says why)
  EventLoop::TimerId deadline_ = 0, tick_ = 0, keepalive_ = 0;
  std::vector<std::shared_ptr<Tunnel>> tunnels_;
  // A session channel with a pty, opened once the jump host is ready, only so that its sshd turns
  // Nagle off for the whole connection (it does so when it starts a command on a pty): otherwise
  // each node's reply waits in sshd's socket for dust's ACK of the one before, a round trip more
  // over a real network. Refused (PermitTTY no, a forced command) it changes nothing.
  enum class NoDelay { Open, Pty, Exec, Done } nodelay_ = NoDelay::Open;
  ssh_channel nodelay_ch_ = nullptr;
};

// The jump sessions of a pool, by chain, on their I/O thread (started on first use). A failed one
// is replaced on next use (reconnect).
class Jumps {
 public:
  Jumps(EventLoop& main, const Options& opt);
  ~Jumps();
  Jumps(const Jumps&) = delete;
  Jumps& operator=(const Jumps&) = delete;
  // A tunnel to host:port through `chain` ("a" or "a,b,..."; each "[user@]host[:port]"). Its node
  // fd is usable at once; bytes flow once the jump session is up and the channel open.
  std::shared_ptr<Tunnel> open(const std::string& chain, const std::string& host, int port);
  int connected() const { return connected_.load(); }  // live, authenticated jump sessions
  void close_all();

 private:
  struct Request {
    std::string chain;  // empty: close every jump session
    std::shared_ptr<Tunnel> tunnel;
  };
  void start();
  void run();  // the I/O thread
  void post_main(std::function<void()> fn);
  void on_main_wake();
  JumpHost* hop(const std::vector<std::string>& hops, size_t n);  // I/O thread
  EventLoop& main_;
  const Options opt_;  // a copy: read by the I/O thread
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connected_{0};
  int to_io_[2] = {-1, -1}, to_main_[2] = {-1, -1};  // wake pipes
  std::mutex mu_;
  std::vector<Request> requests_;                // main → I/O
  std::vector<std::function<void()>> for_main_;  // I/O → main
  // The I/O thread's own:
  std::unique_ptr<EventLoop> io_;
  std::map<std::string, std::unique_ptr<JumpHost>> hosts_;
  // Failed sessions stay allocated until the pool goes: a tunnel's error may still be on its way
  // out of one of their callbacks.
  std::vector<std::unique_ptr<JumpHost>> retired_;
};

// "[user@]host[:port]" (host may be "[v6]") into its parts; false if malformed.
bool parse_hop(const std::string& hop, std::string* user, std::string* host, int* port);

}  // namespace dust::ssh
