// Fuzzes what the dust server reads from a client socket (server/frame, server/messages): the
// frames found must not depend on how the bytes were split, and every JSON body either decodes or
// throws dust::Error (the server then drops that client) — nothing else may happen. Input: the
// first byte picks chunk sizes, the rest is the byte stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/frame.h"
#include "server/messages.h"
#include "util/error.h"

namespace {

using dust::server::Frame;
using dust::server::FrameReader;
using dust::server::Type;

struct Seen {
  std::vector<std::pair<uint8_t, std::string>> frames;
  bool malformed = false;
};

Seen run(std::string_view stream, size_t step_seed) {
  Seen s;
  FrameReader r;
  size_t pos = 0, k = step_seed;
  while (pos < stream.size() && !s.malformed) {
    size_t n = step_seed ? 1 + (k % 23) : stream.size();
    k = k * 31 + 7;
    n = std::min(n, stream.size() - pos);
    r.feed(stream.substr(pos, n));
    pos += n;
    Frame f;
    std::string why;
    for (;;) {
      auto st = r.next(&f, &why);
      if (st == FrameReader::Status::More) break;
      if (st == FrameReader::Status::Malformed) {
        if (why.empty()) __builtin_trap();  // a malformed frame always says why
        s.malformed = true;
        break;
      }
      s.frames.emplace_back(static_cast<uint8_t>(f.type), f.payload);
    }
  }
  return s;
}

void decode(Type t, const std::string& body) {
  try {
    switch (t) {
      case Type::Hello:
        dust::server::decode_hello(body);
        break;
      case Type::Done:
        dust::server::decode_done(body);
        break;
      case Type::Complete:
        dust::server::decode_complete(body);
        break;
      case Type::Completions:
        dust::server::decode_completions(body);
        break;
      default:
        break;
    }
  } catch (const dust::Error&) {
    // refused with a message: the server drops the client
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  Seen whole = run(stream, 0);
  Seen split = run(stream, data[0] | 1);
  if (whole.frames != split.frames || whole.malformed != split.malformed)
    __builtin_trap();  // chunking changed what the server reads
  for (const auto& [t, body] : whole.frames) decode(static_cast<Type>(t), body);
  return 0;
}
