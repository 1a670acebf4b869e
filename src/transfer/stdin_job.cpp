// StdinJob (see stdin_job.h).
#include "transfer/stdin_job.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "transfer/link.h"
#include "util/error.h"

namespace dust::transfer {

std::string stdin_command(uint64_t size) {
  // $1 size. mktemp makes the file with mode 600 in the node's $TMPDIR (or /tmp).
  static const char* script =
      "f=$(mktemp) || exit 1; "
      "cat >> \"$f\"; n=$(wc -c < \"$f\"); "
      "if [ $n -eq \"$1\" ] 2>/dev/null; then printf '%s\\n' \"$f\"; else rm -f -- \"$f\"; "
      "echo \"only $n of $1 bytes arrived\" >&2; exit 1; fi";
  return fmt::format("sh -c {} sh {}", shell_quote(script), size);
}

std::string stdin_path(const std::string& printed) {
  std::string p = printed;
  if (!p.empty() && p.back() == '\n') p.pop_back();
  if (p.empty() || p[0] != '/' || p.size() > 4096) return "";
  for (unsigned char c : p)
    if (!(std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-')) return "";
  return p;
}

StdinJob::StdinJob(const std::string& data) : size_(data.size()) {
  fd_ = memfd_create("dust-stdin", MFD_CLOEXEC);
  if (fd_ < 0) throw Error(fmt::format("cannot stage stdin: {}", std::strerror(errno)));
  size_t at = 0;
  while (at < data.size()) {
    ssize_t n = write(fd_, data.data() + at, data.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      close(fd_);
      throw Error(fmt::format("cannot stage stdin: {}", std::strerror(e)));
    }
    at += static_cast<size_t>(n);
  }
}

StdinJob::~StdinJob() {
  if (fd_ >= 0) close(fd_);
}

bool StdinJob::plan(NodeTask& n) {
  Item it{"stdin", "", size_, 0600, false};
  it.direct = true;
  n.items.push_back(std::move(it));
  return true;
}

bool StdinJob::begin_item(NodeTask& n) {
  // The stream reads the shared memfd at its own offsets (pread): n.fd stays unset.
  n.stream = std::make_unique<Stream>(n.link->session(), fd_, size_, stdin_command(size_));
  return true;
}

bool StdinJob::finish_item(NodeTask& n) {
  std::string path = stdin_path(n.stream ? n.stream->output() : "");
  if (path.empty()) return n.error = "the node named no temporary file for it", false;
  n.items[n.next].dst = path;
  paths_[n.ep.key] = path;
  return true;
}

void StdinJob::abort_item(NodeTask& n, bool connection_alive) {
  // The remote command removes its file when fewer bytes came than it was told: waiting for it
  // means nothing of ours is left being written once this returns.
  if (!n.stream) return;
  if (connection_alive)
    n.stream->cancel(3000);
  else
    n.stream->abandon();
  n.stream.reset();
}

std::string StdinJob::describe(const NodeTask& n) const {
  return n.items.empty() || n.items[0].dst.empty() ? std::string("stdin")
                                                   : "stdin → " + n.items[0].dst;
}

}  // namespace dust::transfer
