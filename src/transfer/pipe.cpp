// Upload and Download pumps (see pipe.h).
#include "transfer/pipe.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dust::transfer {

using namespace std::chrono_literals;

Upload::Upload(Link& link, int fd, uint64_t size, sftp_file remote)
    : link_(link), fd_(fd), size_(size),
      handle_(static_cast<const char*>(ssh_string_data(remote->handle)), ssh_string_len(remote->handle)) {}

Step Upload::pump(std::string* err, bool* again) {
  *again = false;
  ssh_channel ch = link_.channel();
  size_t budget = kPumpBudget;
  char buf[16384];
  for (;;) {
    // Replies first: each acknowledged request makes room for the next.
    while (link_.available() > 0) {
      int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 0);
      if (n == SSH_ERROR) return *err = "connection lost", Step::Failed;
      if (n <= 0) break;
      replies_.feed(std::string_view(buf, n));
    }
    wire::Reply r;
    while (replies_.next(&r)) {
      if (inflight_.empty() || r.type != wire::kStatus) return *err = "unexpected reply from the sftp server", Step::Failed;
      if (r.code != SSH_FX_OK)
        return *err = r.message.empty() ? fx_reason(static_cast<int>(r.code)) : fx_reason(static_cast<int>(r.code)) + ": " + r.message,
               Step::Failed;
      // OpenSSH answers in order; tolerate any order by id.
      for (auto it = inflight_.begin(); it != inflight_.end(); ++it)
        if (it->first == r.id) {
          acked_ += it->second;
          inflight_.erase(it);
          break;
        }
    }
    if (offset_ >= size_ && inflight_.empty() && out_pos_ >= out_.size()) return Step::Done;
    bool progressed = false;
    if (out_pos_ < out_.size()) {
      int n = ssh_channel_write(ch, out_.data() + out_pos_, static_cast<uint32_t>(out_.size() - out_pos_));
      if (n == SSH_ERROR) return *err = "connection lost", Step::Failed;
      if (n > 0) out_pos_ += n, progressed = true, budget -= std::min<size_t>(budget, n);
    }
    if (out_pos_ >= out_.size() && offset_ < size_ && inflight_.size() < kWritesInFlight) {
      uint32_t len = static_cast<uint32_t>(std::min<uint64_t>(kWriteChunk, size_ - offset_));
      uint32_t id = link_.next_id();
      out_ = wire::write_header(id, handle_, offset_, len);
      size_t head = out_.size();
      out_.resize(head + len);
      size_t got = 0;
      while (got < len) {
        ssize_t n = pread(fd_, out_.data() + head + got, len - got, static_cast<off_t>(offset_ + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return *err = fmt::format("local read failed: {}", n < 0 ? std::strerror(errno) : "file shrank"), Step::Failed;
        got += n;
      }
      out_pos_ = 0;
      inflight_.emplace_back(id, len);
      offset_ += len;
      progressed = true;
    }
    if (budget == 0) return *again = true, Step::Pending;
    if (!progressed && !link_.pull()) return Step::Pending;  // window full / waiting for replies
  }
}

void Upload::drain() {
  ssh_channel ch = link_.channel();
  auto deadline = std::chrono::steady_clock::now() + 3s;
  char buf[16384];
  wire::Reply r;
  while ((out_pos_ < out_.size() || !inflight_.empty()) && std::chrono::steady_clock::now() < deadline) {
    if (ssh_get_status(link_.session()) & (SSH_CLOSED | SSH_CLOSED_ERROR)) return;
    if (out_pos_ < out_.size()) {
      int n = ssh_channel_write(ch, out_.data() + out_pos_, static_cast<uint32_t>(out_.size() - out_pos_));
      if (n == SSH_ERROR) return;
      if (n > 0) out_pos_ += n;
    }
    bool got = false;
    while (link_.available() > 0) {
      int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 0);
      if (n <= 0) break;
      replies_.feed(std::string_view(buf, n));
      got = true;
    }
    while (replies_.next(&r))
      for (auto it = inflight_.begin(); it != inflight_.end(); ++it)
        if (it->first == r.id) {
          inflight_.erase(it);
          break;
        }
    if (!got && !link_.pull()) usleep(200);
  }
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
    // on a half-arrived packet; a shorter reply (end of file, error) is taken once the socket is quiet.
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
      if (w <= 0) return *err = fmt::format("local write failed: {}", std::strerror(errno)), Step::Failed;
      done += w;
    }
    received_ += n;
    if (static_cast<uint32_t>(n) < q.len) {
      // Short read: ask for the rest of that range (rare; OpenSSH does not for regular files).
      sftp_seek64(file_, q.offset + n);
      int id = sftp_async_read_begin(file_, q.len - static_cast<uint32_t>(n));
      if (id < 0) return *err = link_.last_error(), Step::Failed;
      inflight_.push_back({static_cast<uint32_t>(id), q.offset + n, q.len - static_cast<uint32_t>(n)});
      sftp_seek64(file_, next_);
    }
    budget -= std::min<size_t>(budget, n);
    if (budget == 0) return *again = true, Step::Pending;
  }
}

}  // namespace dust::transfer
