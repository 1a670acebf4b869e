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
#include "util/random_hex.h"

namespace dust::transfer {

namespace {

constexpr const char* kPathPrefix = "dust-stdin-file ";

}  // namespace

std::string stdin_command(uint64_t size, const std::string& tag) {
  // $1 size, $2 tag. noclobber: the shell creates the file with O_EXCL (never through a planted
  // symlink); umask 077: mode 600.
  static const char* script =
      "f=${TMPDIR:-/tmp}/dust-stdin-$2; "
      "if ! e=$( (umask 077; set -C; : > \"$f\") 2>&1); then echo \"$f: ${e##*: }\" >&2; exit 1; "
      "fi; "
      "cat >> \"$f\"; n=$(wc -c < \"$f\"); "
      "if [ $n -eq \"$1\" ] 2>/dev/null; then printf 'dust-stdin-file %s\\n' \"$f\"; "
      "else rm -f -- \"$f\"; echo \"only $n of $1 bytes arrived\" >&2; exit 1; fi";
  return fmt::format("sh -c {} sh {} {}", shell_quote(script), size, shell_quote(tag));
}

std::string remove_command(const std::string& tag) {
  return fmt::format("sh -c {} sh {}", shell_quote("rm -f -- \"${TMPDIR:-/tmp}/dust-stdin-$1\""),
                     shell_quote(tag));
}

std::string stdin_path(const std::string& printed) {
  std::string found;
  for (size_t at = 0; at < printed.size();) {
    size_t end = printed.find('\n', at);
    if (end == std::string::npos) end = printed.size();
    std::string line = printed.substr(at, end - at);
    if (line.rfind(kPathPrefix, 0) == 0) found = line.substr(std::strlen(kPathPrefix));
    at = end + 1;
  }
  if (found.empty() || found[0] != '/' || found.size() > 4096) return "";
  for (unsigned char c : found)
    if (c < 0x20 || c == 0x7f) return "";
  return found;
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
  std::string tag = util::random_hex(8, "a temporary file name");
  tags_[n.ep.key] = tag;
  n.stream = std::make_unique<Stream>(n.link->session(), fd_, size_, stdin_command(size_, tag));
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
  // End of input, without waiting (a Ctrl-C must not wait for each node in turn): the writer
  // removes a short file itself, and the caller removes a complete one (remove_command).
  end_stream(n, connection_alive, 0);
}

std::string StdinJob::describe(const NodeTask& n) const {
  return n.items.empty() || n.items[0].dst.empty() ? std::string("stdin")
                                                   : "stdin → " + n.items[0].dst;
}

bool CommandJob::plan(NodeTask& n) {
  Item it{"", "", 0, 0, false};
  it.direct = true;
  n.items.push_back(std::move(it));
  return commands_.count(n.ep.key) > 0 || (n.error = "nothing to run", false);
}

bool CommandJob::begin_item(NodeTask& n) {
  n.stream = std::make_unique<Stream>(n.link->session(), -1, 0, commands_.at(n.ep.key));
  return true;
}

void CommandJob::abort_item(NodeTask& n, bool connection_alive) {
  end_stream(n, connection_alive, 0);
}

}  // namespace dust::transfer
