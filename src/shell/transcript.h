// Per-node transcripts (`dust --log-dir DIR`, `logdir DIR`, `log_dir:` in config.yaml): what ran
// where. Each node's DIR/<node>.log gets every line sent, every output line, exit status, error,
// notice and transfer outcome, one timestamped record per line, written as it happens (one write(2)
// per record, no buffer to lose in a crash). DIR/last.ok and DIR/last.failed list the nodes of the
// last command once it has ended everywhere. Fed from Sessions through its Tap. Node output is
// written as util::file_line() of the bytes the node sent: no colour, every control byte and escape
// sequence shown as `\xNN`, carriage returns as `\r` with the text before them kept (a terminal
// would hide it); raw-mode sessions are the exception: their bytes are recorded as received, as
// script(1) does.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "shell/sessions.h"
#include "util/event_loop.h"

namespace dust::shell {

class Context;

// A file name for a node label: the label with every character outside [A-Za-z0-9._()@+,=-]
// replaced by '_', never empty, never starting with '.' (so never "." or ".." or hidden).
std::string transcript_file_name(const std::string& label);

// "2026-12-01T05:56:09.123Z": now in UTC, milliseconds.
std::string utc_timestamp();

class Transcript : public Sessions::Tap {
 public:
  // Opens DIR, creating it (and missing parents) 0700. Throws dust::Error naming DIR when it is not
  // a directory or cannot be written; then nothing was created.
  Transcript(EventLoop& loop, const std::string& dir);
  // Writes last.ok/last.failed for a command still pending: nodes that did not finish failed.
  ~Transcript() override;

  const std::string& dir() const { return dir_; }

  void begin(const std::vector<ssh::Endpoint>& nodes,
             const std::vector<std::string>& labels) override;
  void job(std::shared_ptr<const ssh::Job> job) override;
  void sent(const ssh::Endpoint& ep, const std::string& label, std::string_view line,
            Sent how) override;
  void event(const ssh::NodeEvent& e, const std::string& label) override;
  void raw(const ssh::Endpoint& ep, const std::string& label, RawMark mark,
           std::string_view bytes) override;
  void outcome(const ssh::Endpoint& ep, const std::string& label, bool ok,
               std::string_view text) override;

 private:
  struct File {
    int fd = -1;
    std::string label;       // the label its name was made from
    bool open_line = false;  // raw bytes written last did not end their line
  };
  // The node's open transcript (reopened under a new name when its label changes); -1 after an
  // error, which is reported once.
  int fd_for(const std::string& key, const std::string& label);
  void write(const std::string& key, const std::string& label, char mark, std::string_view text);
  void write_bytes(int fd, std::string_view bytes);
  // The last command: each node pending until its result is known; last.* once none is.
  enum class State { Pending, Ok, Failed };
  void resolve(const std::string& key, bool ok);
  void settle();  // takes results from the job (nodes that ended without an event)
  void arm();     // a timer settling the command while it is pending
  void write_last();

  EventLoop& loop_;
  std::string dir_;
  std::map<std::string, File> files_;  // by Endpoint::key
  bool reported_error_ = false;
  std::vector<std::string> keys_, labels_;  // the last command's nodes, in order
  std::map<std::string, State> state_;      // by key
  size_t pending_ = 0;
  std::shared_ptr<const ssh::Job> job_;
  bool written_ = true;
  EventLoop::TimerId timer_ = 0;
};

// `logdir DIR` / `--log-dir DIR`: records from now on in DIR (replacing any transcript); "" or
// "off" stops recording. Throws dust::Error (nothing changed) when DIR cannot be used.
void set_log_dir(Context& ctx, const std::string& dir);
// The directory recorded into now, "" when off.
std::string log_dir(Context& ctx);

}  // namespace dust::shell
