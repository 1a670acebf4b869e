// Transcript (see transcript.h).
#include "shell/transcript.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "shell/context.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/fd_io.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/sanitise.h"

namespace dust::shell {

std::string transcript_file_name(const std::string& label) {
  std::string out;
  for (unsigned char c : label) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::strchr("._()@+,=-", c) != nullptr;
    out += keep && c != 0 ? static_cast<char>(c) : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

std::string utc_timestamp() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  // Floods write many records a second: the date and time are formatted once per second.
  thread_local time_t last = -1;
  thread_local std::string seconds;
  if (ts.tv_sec != last) {
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    seconds = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.tm_year + 1900, t.tm_mon + 1,
                          t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
    last = ts.tv_sec;
  }
  int ms = static_cast<int>(ts.tv_nsec / 1000000);
  std::string out = seconds;
  out += '.';
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
  return out;
}

namespace {

// DIR as an absolute path (a later `cd` in the local shell must not move the transcripts).
std::string absolute(const std::string& dir) {
  std::string d = paths::absolute(dir);
  if (d.empty()) throw Error(fmt::format("log dir {}: {}", dir, strerror(errno)));
  return d;
}

// Creates `dir` and its missing parents 0700; returns the ones it created (deepest last).
std::vector<std::string> make_dirs(const std::string& dir, const std::string& shown) {
  std::vector<std::string> created;
  auto undo = [&] {
    for (auto it = created.rbegin(); it != created.rend(); ++it) rmdir(it->c_str());
  };
  for (size_t pos = 1; pos != std::string::npos;) {
    pos = dir.find('/', pos + 1);
    std::string part = dir.substr(0, pos);
    struct stat st {};
    if (stat(part.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) continue;
      undo();
      throw Error(fmt::format("log dir {}: {} is not a directory", shown, part));
    }
    if (mkdir(part.c_str(), 0700) != 0) {
      int err = errno;
      undo();
      throw Error(fmt::format("log dir {}: cannot create {}: {}", shown, part, strerror(err)));
    }
    created.push_back(part);
  }
  return created;
}

}  // namespace

Transcript::Transcript(EventLoop& loop, const std::string& dir) : loop_(loop), dir_(absolute(dir)) {
  std::vector<std::string> created = make_dirs(dir_, dir);
  // Writable for real (a read-only filesystem, or permissions root would not see with access()).
  std::string probe = paths::join(dir_, ".dust-probe.XXXXXX");
  int fd = mkstemp(probe.data());
  if (fd < 0) {
    int err = errno;
    for (auto it = created.rbegin(); it != created.rend(); ++it) rmdir(it->c_str());
    throw Error(fmt::format("log dir {}: cannot write there: {}", dir, strerror(err)));
  }
  close(fd);
  unlink(probe.c_str());
}

Transcript::~Transcript() {
  if (timer_) loop_.cancel(timer_);
  if (!written_) {
    settle();
    write_last();
  }
  for (auto& [key, f] : files_)
    if (f.fd >= 0) close(f.fd);
}

int Transcript::fd_for(const std::string& key, const std::string& label) {
  File& f = files_[key];
  if (f.fd >= 0 && f.label == label) return f.fd;
  if (f.fd >= 0) close(f.fd);
  f.label = label;
  std::string path = paths::join(dir_, transcript_file_name(label) + ".log");
  f.fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (f.fd < 0 && !reported_error_) {
    reported_error_ = true;
    log::error("transcript {}: {} (further errors not shown)", path, strerror(errno));
  }
  return f.fd;
}

void Transcript::write_bytes(int fd, std::string_view bytes) {
  if (util::write_all(fd, bytes) || reported_error_) return;
  reported_error_ = true;
  log::error("transcript in {}: {} (further errors not shown)", dir_, strerror(errno));
}

void Transcript::write(const std::string& key, const std::string& label, char mark,
                       std::string_view text) {
  int fd = fd_for(key, label);
  if (fd < 0) return;
  // One write per record: whatever was printed is in the file, and records never interleave.
  std::string rec = utc_timestamp();
  rec += ' ';
  rec += mark;
  if (!text.empty()) {
    rec += ' ';
    rec += text;
  }
  rec += '\n';
  write_bytes(fd, rec);
}

void Transcript::begin(const std::vector<ssh::Endpoint>& nodes,
                       const std::vector<std::string>& labels) {
  keys_.clear();
  labels_ = labels;
  state_.clear();
  job_.reset();
  for (const auto& ep : nodes) {
    keys_.push_back(ep.key);
    state_[ep.key] = State::Pending;
  }
  pending_ = state_.size();
  written_ = false;
  if (pending_ == 0) write_last();
}

void Transcript::job(std::shared_ptr<const ssh::Job> job) {
  job_ = std::move(job);
  settle();
  arm();
}

void Transcript::sent(const ssh::Endpoint& ep, const std::string& label, std::string_view line,
                      Sent how) {
  switch (how) {
    case Sent::Command:
      write(ep.key, label, '$', line);
      break;
    case Sent::Input:
      write(ep.key, label, '>', line);
      break;
    case Sent::Secret:
      write(ep.key, label, '>', "(secret input, not recorded)");
      break;
  }
}

void Transcript::event(const ssh::NodeEvent& e, const std::string& label) {
  using Kind = ssh::NodeEvent::Kind;
  switch (e.kind) {
    case Kind::Line:
      write(e.node.key, label, '|', util::file_line(e.raw));
      break;
    case Kind::Partial:
      write(e.node.key, label, '~', util::file_line(e.raw));
      break;
    case Kind::Done:
      write(e.node.key, label, '=', fmt::format("exit {}", e.status));
      resolve(e.node.key, e.status == 0);
      break;
    case Kind::Error:
      write(e.node.key, label, '!', util::escape_controls(e.text));
      resolve(e.node.key, false);
      break;
    case Kind::Notice:
      write(e.node.key, label, '#', util::escape_controls(e.text));
      break;
  }
}

void Transcript::raw(const ssh::Endpoint& ep, const std::string& label, RawMark mark,
                     std::string_view bytes) {
  int fd = fd_for(ep.key, label);
  if (fd < 0) return;
  if (mark == RawMark::Bytes) {
    write_bytes(fd, bytes);
    if (!bytes.empty()) files_[ep.key].open_line = bytes.back() != '\n';
    return;
  }
  // A mark starts a line of its own even after raw bytes that did not end one.
  bool& open_line = files_[ep.key].open_line;
  if (open_line) write_bytes(fd, "\n");
  open_line = false;
  const char* what = mark == RawMark::Attached   ? "raw mode attached (bytes as received follow)"
                     : mark == RawMark::Detached ? "raw mode detached"
                                                 : "raw mode ended: the session closed";
  write(ep.key, label, '#', what);
}

void Transcript::outcome(const ssh::Endpoint& ep, const std::string& label, bool ok,
                         std::string_view text) {
  write(ep.key, label, ok ? '=' : '!', text);
  resolve(ep.key, ok);
}

void Transcript::resolve(const std::string& key, bool ok) {
  auto it = state_.find(key);
  if (it == state_.end()) return;
  if (it->second == State::Pending) --pending_;
  it->second = ok ? State::Ok : State::Failed;
  if (pending_ == 0) write_last();
}

void Transcript::settle() {
  if (!job_) return;
  const auto& results = job_->results();
  for (size_t i = 0; i < results.size() && i < keys_.size(); ++i) {
    auto it = state_.find(keys_[i]);
    if (it == state_.end() || it->second != State::Pending || !results[i].finished) continue;
    --pending_;
    it->second = results[i].error.empty() && results[i].status == 0 ? State::Ok : State::Failed;
  }
  if (pending_ == 0 && !written_) write_last();
}

void Transcript::arm() {
  if (timer_ || written_) return;
  // Nodes that end without an event of their own (interrupted before the line was sent, closed)
  // are seen by looking at the job now and then.
  timer_ = loop_.after(std::chrono::milliseconds(100), [this] {
    timer_ = 0;
    settle();
    arm();
  });
}

void Transcript::write_last() {
  std::string ok, failed;
  for (size_t i = 0; i < keys_.size(); ++i) {
    State s = state_[keys_[i]];
    (s == State::Ok ? ok : failed) += labels_[i] + "\n";  // still pending at the end = failed
  }
  try {
    util::write_file_atomic(paths::join(dir_, "last.ok"), ok, 0600);
    util::write_file_atomic(paths::join(dir_, "last.failed"), failed, 0600);
  } catch (const Error& e) {
    log::error("transcript: {}", e.what());
  }
  written_ = true;
}

void set_log_dir(Context& ctx, const std::string& dir) {
  if (dir.empty() || dir == "off") {
    ctx.sessions().set_tap(nullptr);
    return;
  }
  // Built first: a directory that cannot be used throws here and the old transcript stays.
  auto t = std::make_unique<Transcript>(ctx.loop(), dir);
  ctx.sessions().set_tap(std::move(t));
}

std::string log_dir(Context& ctx) {
  auto* t = dynamic_cast<Transcript*>(ctx.sessions().tap());
  return t ? t->dir() : "";
}

}  // namespace dust::shell
