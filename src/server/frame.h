// The client/server protocol's framing: one byte of type, four bytes of big-endian length, the
// payload. FrameReader takes bytes as they arrive and hands out whole frames; anything that is not
// a frame (unknown type, oversized length) is Malformed and the connection is dropped.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dust::server {

enum class Type : uint8_t {
  // client → server
  Hello = 1,      // JSON (messages.h): who connects, cwd, flags; carries the client's stdio fds
  Line = 2,       // a command line to run
  Eof = 3,        // Ctrl-D at the prompt
  Interrupt = 4,  // Ctrl-C while a command runs
  Winch = 5,      // the client's terminal changed size
  Complete = 6,   // JSON: tab completion request
  Kill = 7,       // kill-server
  Lent = 8,       // the client's terminal is the server's until Return (answer to Borrow)
  // server → client
  Out = 32,          // bytes for stdout
  Err = 33,          // bytes for stderr
  Done = 34,         // JSON: the line's status, the next prompt, whether to leave
  Completions = 35,  // JSON: candidates
  Bye = 36,          // text: the server ends (shown to the user)
  Borrow = 37,       // a question outside the client's lines (sudo): lend the terminal
  Return = 38,       // the borrowed terminal is the client's again
};

bool known_type(uint8_t t);

constexpr size_t kHeader = 5;
constexpr size_t kMaxPayload = 16u << 20;

std::string encode(Type t, std::string_view payload = {});

struct Frame {
  Type type{};
  std::string payload;
};

class FrameReader {
 public:
  enum class Status { Frame, More, Malformed };
  void feed(std::string_view bytes) { buf_.append(bytes); }
  // The next whole frame, More when it has not all arrived, Malformed (with *why) otherwise.
  Status next(Frame* f, std::string* why);
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  std::string buf_;
  size_t pos_ = 0;
};

}  // namespace dust::server
