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
  Hello = 1,      // JSON (messages.h): who connects, and the client it is (ClientInfo)
  Line = 2,       // a command line to run
  Eof = 3,        // Ctrl-D at the prompt
  Interrupt = 4,  // Ctrl-C while a command runs
  Winch = 5,      // JSON size: the client's terminal changed size
  Complete = 6,   // JSON: tab completion request
  Kill = 7,       // kill-server
  Answer = 8,     // JSON: the person's answer to an Ask (null: cancelled)
  Input = 9,      // bytes typed while raw mode runs (RawBegin … RawEnd)
  Stdin = 10,     // a one-shot's whole stdin, for its nodes (before its Line)
  // server → client
  Out = 32,          // bytes for stdout
  Err = 33,          // bytes for stderr
  Done = 34,         // JSON: the line's status, the next prompt, whether to leave, a local command
  Completions = 35,  // JSON: candidates
  Bye = 36,          // text: the server ends (shown to the user)
  Ask = 37,          // JSON: a question for the person (confirmation, password); reply Answer
  RawBegin = 38,     // raw mode starts: terminal raw, keys as Input, the size as Winch
  RawEnd = 39,       // raw mode is over: terminal modes back
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
