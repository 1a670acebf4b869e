// Upload and Download pumps (see pipe.h).
#include "transfer/pipe.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dust::transfer {

using namespace std::chrono_literals;

Upload::Upload(Link& link, int fd, uint64_t size, sftp_file remote)
    : link_(link), fd_(fd), size_(size), file_(remote) {}

Step Upload::pump(std::string* err, bool* again) {
  *again = false;
  if (acked_ >= size_) return Step::Done;
  uint32_t len = static_cast<uint32_t>(std::min<uint64_t>(kWriteChunk, size_ - acked_));
  buf_.resize(len);
  for (size_t got = 0; got < len;) {
    ssize_t n = pread(fd_, buf_.data() + got, len - got, static_cast<off_t>(acked_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return *err =
                 fmt::format("local read failed: {}", n < 0 ? std::strerror(errno) : "file shrank"),
             Step::Failed;
    got += n;
  }
  ssize_t n;
  {
    Blocking blocking(link_.session());
    n = sftp_write(file_, buf_.data(), len);
  }
  if (n != static_cast<ssize_t>(len)) return *err = link_.last_error(), Step::Failed;
  acked_ += len;
  if (acked_ >= size_) return Step::Done;
  *again = true;
  return Step::Pending;
}

Download::Download(Link& link, sftp_file remote, uint64_t size, int fd)
    : link_(link), file_(remote), size_(size), fd_(fd), buf_(kReadChunk) {
  sftp_file_set_nonblocking(file_);
}

bool Download::issue(std::string* err) {
  while (inflight_.size() < kReadsInFlight && next_ < size_) {
    uint32_t len = static_cast<uint32_t>(std::min<uint64_t>(kReadChunk, size_ - next_));
    sftp_seek64(file_, next_);  // async reads take the handle's offset, which short replies move
    int id = sftp_async_read_begin(file_, len);
    if (id < 0) return *err = link_.last_error(), false;
    inflight_.push_back({static_cast<uint32_t>(id), next_, len});
    next_ += len;
  }
  return true;
}

Step Download::pump(std::string* err, bool* again) {
  *again = false;
  size_t budget = kPumpBudget;
  for (;;) {
    if (!issue(err)) return Step::Failed;
    if (inflight_.empty()) return Step::Done;
    Req q = inflight_.front();
    // A DATA reply is 13 bytes + data. Waiting until it is all buffered keeps libssh from spinning
    // on a half-arrived packet; a shorter reply (end of file, error) is taken once the socket is
    // quiet.
    size_t need = 13 + q.len;
    size_t have = link_.available();
    while (have < need && link_.pull()) have = link_.available();
    if (have == 0) return Step::Pending;
    if (have < need) {
      auto now = std::chrono::steady_clock::now();
      if (short_since_ == std::chrono::steady_clock::time_point{}) short_since_ = now;
      if (now - short_since_ < 30ms) return Step::Pending;
    }
    short_since_ = {};
    int n = sftp_async_read(file_, buf_.data(), q.len, q.id);
    if (n == SSH_AGAIN) return Step::Pending;
    if (n < 0) return *err = link_.last_error(), Step::Failed;
    inflight_.pop_front();
    if (n == 0) {  // end of file before the size stat gave: it shrank; what we have is all
      size_ = q.offset;
      inflight_.clear();
      return Step::Done;
    }
    for (size_t done = 0; done < static_cast<size_t>(n);) {
      ssize_t w = pwrite(fd_, buf_.data() + done, n - done, static_cast<off_t>(q.offset + done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0)
        return *err = fmt::format("local write failed: {}", std::strerror(errno)), Step::Failed;
      done += w;
    }
    received_ += n;
    if (static_cast<uint32_t>(n) < q.len) {
      // Short read: ask for the rest of that range (rare; OpenSSH does not for regular files).
      sftp_seek64(file_, q.offset + n);
      int id = sftp_async_read_begin(file_, q.len - static_cast<uint32_t>(n));
      if (id < 0) return *err = link_.last_error(), Step::Failed;
      inflight_.push_back(
          {static_cast<uint32_t>(id), q.offset + n, q.len - static_cast<uint32_t>(n)});
      sftp_seek64(file_, next_);
    }
    budget -= std::min<size_t>(budget, n);
    if (budget == 0) return *again = true, Step::Pending;
  }
}

}  // namespace dust::transfer
