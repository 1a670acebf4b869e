// Runs one put or get on many nodes at once: connects them through the pool and pumps every node's
// transfer, exec channels on its persistent session (no SFTP), from the shared event loop (session
// socket activity + a short tick), with a progress line on a terminal and a result per node.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ssh/pool.h"
#include "transfer/batch.h"
#include "transfer/fetch.h"
#include "transfer/link.h"
#include "transfer/pipe.h"
#include "transfer/stream.h"

namespace dust::transfer {

// One file (or directory to create) for one node.
struct Item {
  std::string src, dst;  // put: local → remote; get: remote → local
  uint64_t size = 0;
  uint32_t mode = 0644;
  bool dir = false;
  // put: small files of one directory sent together (batch.h); dst is the directory, size theirs.
  std::vector<BatchFile> batch;
  uint32_t dir_mode = 0;  // put batch: it also creates its directory (batch_command)
  // put: one remote command does the whole file (put_command) in this remote directory ("": the
  // login directory); get: the file comes on an exec channel (fetch.h), its size and mode with it.
  bool direct = false;
  std::string direct_dir;
  // get -r: the whole remote tree `src` on one channel into `dst` (tree_fetch.h); tree_files is
  // what it held, once extracted.
  bool tree = false;
  size_t tree_files = 0;
  size_t file_count() const { return tree ? tree_files : batch.empty() ? !dir : batch.size(); }
};

struct NodeTask {
  ssh::Endpoint ep;
  ssh::Session* session = nullptr;
  std::unique_ptr<Link> link;
  enum class Phase { Connecting, Planning, Working, Done, Failed } phase = Phase::Connecting;
  std::vector<Item> items;
  // Entries left out (a refused remote name, a symlink loop, too deep): once the rest is moved,
  // the node fails naming them.
  std::vector<std::string> skipped;
  size_t next = 0;         // next item to start
  bool item_open = false;  // items[next] is being moved
  // The item being moved.
  std::unique_ptr<Stream> stream;  // put: a command on an exec channel, bytes in (stream.h)
  std::unique_ptr<Fetch> fetch;    // get: a command on an exec channel, bytes out (fetch.h)
  size_t peers = 1;                // nodes in this transfer (bounds the receive windows)
  int fd = -1;
  std::string tmp;  // get: the local temporary name, renamed when complete
  uint64_t done_bytes = 0, total_bytes = 0, files = 0;
  std::chrono::steady_clock::time_point started;
  double seconds = 0;
  std::string error, summary;
  EventLoop::TimerId tick = 0;
  EventLoop::TimerId turn = 0;  // this node's next turn is queued (its pump used its budget)
  bool pumping = false;
};

// The direction-specific part.
class Job {
 public:
  virtual ~Job() = default;
  virtual const char* verb() const = 0;
  // The node's session is up: decide its items, without asking the node (its commands check their
  // targets themselves). false + n.error.
  virtual bool plan(NodeTask& n) = 0;
  // Starts items[n.next] (opens the local file, sets n.stream / n.fetch). false + n.error.
  virtual bool begin_item(NodeTask& n) = 0;
  // The open item's bytes are all moved: close, set mode, rename into place. false + n.error.
  virtual bool finish_item(NodeTask& n) = 0;
  // After a failure: close and remove what begin_item created (temp files). Must not throw.
  virtual void abort_item(NodeTask& n, bool connection_alive) = 0;
  // "data.dat → /opt/data/data.dat" or "3 files → /opt/data".
  virtual std::string describe(const NodeTask& n) const = 0;
  // Whether the node's shell is set up before the items begin (a one-shot's stdin, which a command
  // in that shell reads and removes next). Else the transfer begins once the node is logged in and
  // opens no shell (Pool::logged_in_session).
  virtual bool needs_shell() const { return false; }
};

// What abort_item does with a put-like item's stream: end of input to the remote command and a wait
// of at most `wait_ms` for it to exit (it removes what it made short), or, the connection gone,
// forget the channel libssh freed. Then the stream is dropped.
void end_stream(NodeTask& n, bool connection_alive, int wait_ms);

// What one node's transfer did, as data (JSON lines) and as its result line.
struct Transferred {
  std::string text;         // "put a → /tmp/a (1 KB, 10 MB/s)", without the `[node]` prefix
  std::string source;       // one file: its path; several: ""
  std::string destination;  // one file: its path; several: the directory they went to
  size_t files = 0;
  uint64_t bytes = 0;
  double seconds = 0;
};

struct RunOptions {
  bool progress = false;  // a one-line progress display (a terminal)
  // A node's result and failure ("put failed: …"), without the `[node]` prefix: the caller labels
  // them (one formatter for node output).
  std::function<void(const ssh::Endpoint&, const Transferred&)> node_ok;
  std::function<void(const ssh::Endpoint&, const std::string&)> node_failed;
  std::function<void(const std::string&)> progress_out;  // the progress line and its erasure
  // Also called (before node_failed) for a node that failed before its session was up.
  std::function<void(const ssh::Endpoint&)> node_unreachable;
  // Polled while the transfer runs: true stops it as Ctrl-C does (a one-shot's dust went away while
  // the session server ran its line: nobody waits for the files any more).
  std::function<bool()> stop;
  // Sessions outlive this transfer (the interactive shell, a session server): a node's login that
  // has no shell yet gets one when its transfer ends, so that the next command there runs on it
  // (one round trip) instead of logging in again. Otherwise that login is closed.
  bool keep_logins = false;
};

// Returns the number of nodes that failed. Watches its nodes' events on the pool while it runs (a
// connection lost mid-transfer fails that node); their output lines go on to the pool's sink.
int run(ssh::Pool& pool, const std::vector<ssh::Endpoint>& nodes, Job& job, const RunOptions& opt);

}  // namespace dust::transfer
