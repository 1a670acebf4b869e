// The Upload pump (see pipe.h).
#include "transfer/pipe.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dust::transfer {

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

}  // namespace dust::transfer
