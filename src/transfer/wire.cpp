// SFTP v3 encoding of WRITE / posix-rename requests and decoding of STATUS replies (see wire.h).
#include "transfer/wire.h"

#include "util/error.h"

namespace dust::transfer::wire {
namespace {

void u32(std::string& o, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) o.push_back(static_cast<char>((v >> s) & 0xff));
}
void u64(std::string& o, uint64_t v) {
  u32(o, static_cast<uint32_t>(v >> 32));
  u32(o, static_cast<uint32_t>(v));
}
void str(std::string& o, std::string_view s) {
  u32(o, static_cast<uint32_t>(s.size()));
  o.append(s);
}
uint32_t get_u32(std::string_view b, size_t at) {
  auto c = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(b[at + i])); };
  return c(0) << 24 | c(1) << 16 | c(2) << 8 | c(3);
}

}  // namespace

std::string write_header(uint32_t id, std::string_view handle, uint64_t offset, uint32_t len) {
  std::string o;
  o.reserve(32 + handle.size());
  u32(o, static_cast<uint32_t>(1 + 4 + 4 + handle.size() + 8 + 4 + len));
  o.push_back(static_cast<char>(kWrite));
  u32(o, id);
  str(o, handle);
  u64(o, offset);
  u32(o, len);
  return o;
}

std::string posix_rename(uint32_t id, std::string_view from, std::string_view to) {
  std::string body;
  body.push_back(static_cast<char>(kExtended));
  u32(body, id);
  str(body, "posix-rename@openssh.com");
  str(body, from);
  str(body, to);
  std::string o;
  u32(o, static_cast<uint32_t>(body.size()));
  return o + body;
}

bool ReplyReader::next(Reply* r) {
  std::string_view b(buf_);
  b.remove_prefix(pos_);
  if (b.size() < 4) return false;
  uint32_t len = get_u32(b, 0);
  if (len < 5 || len > kMaxPacket) throw Error("sftp: malformed reply from the server");
  if (b.size() < 4 + len) return false;
  std::string_view p = b.substr(4, len);
  *r = Reply{};
  r->type = static_cast<uint8_t>(p[0]);
  r->id = get_u32(p, 1);
  if (r->type == kStatus && p.size() >= 9) {
    r->code = get_u32(p, 5);
    if (p.size() >= 13) {
      uint32_t n = get_u32(p, 9);
      if (13 + static_cast<size_t>(n) <= p.size()) r->message.assign(p.substr(13, n));
    }
  }
  pos_ += 4 + len;
  if (pos_ > 65536 && pos_ * 2 > buf_.size()) buf_.erase(0, pos_), pos_ = 0;
  return true;
}

}  // namespace dust::transfer::wire
