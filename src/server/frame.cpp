// Frame encoding and incremental decoding (frame.h).
#include "server/frame.h"

#include <fmt/format.h>

namespace dust::server {

bool known_type(uint8_t t) { return (t >= 1 && t <= 10) || (t >= 32 && t <= 39); }

std::string encode(Type t, std::string_view payload) {
  std::string out;
  out.reserve(kHeader + payload.size());
  out.push_back(static_cast<char>(t));
  auto n = static_cast<uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(payload);
  return out;
}

FrameReader::Status FrameReader::next(Frame* f, std::string* why) {
  if (buffered() < kHeader) return Status::More;
  const auto* p = reinterpret_cast<const unsigned char*>(buf_.data() + pos_);
  if (!known_type(p[0])) {
    *why = fmt::format("unknown message type {}", static_cast<unsigned>(p[0]));
    return Status::Malformed;
  }
  uint32_t n = (uint32_t{p[1]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 8) | p[4];
  if (n > kMaxPayload) {
    *why = fmt::format("message of {} bytes (at most {})", n, kMaxPayload);
    return Status::Malformed;
  }
  if (buffered() < kHeader + n) return Status::More;
  f->type = static_cast<Type>(p[0]);
  f->payload.assign(buf_, pos_ + kHeader, n);
  pos_ += kHeader + n;
  if (pos_ == buf_.size() || pos_ > (1u << 16)) {  // compact now and then
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  return Status::Frame;
}

}  // namespace dust::server
