// The terminal raw mode runs on (raw_attach.h): this process's own (LocalRawTerminal), or a dust
// server's client, whose keys and window sizes arrive as frames (docs/server.md).
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace dust {
class EventLoop;
}

namespace dust::ssh {

class RawTerminal {
 public:
  virtual ~RawTerminal() = default;
  // Why raw mode cannot run here ("" when it can: a terminal on both ends).
  virtual std::string unusable() const = 0;
  // Raw mode on; `keys` gets each chunk typed (an empty chunk: the terminal went away).
  virtual void begin(std::function<void(std::string_view)> keys) = 0;
  virtual void end() = 0;  // modes as they were; no more keys
  virtual void write(std::string_view bytes) = 0;
  // The size now; true once after each change (first call: true).
  virtual bool size_changed(int* cols, int* rows) = 0;
};

// fds 0 and 1 of this process, termios raw, SIGWINCH for the size.
class LocalRawTerminal : public RawTerminal {
 public:
  explicit LocalRawTerminal(EventLoop& loop) : loop_(loop) {}
  std::string unusable() const override;
  void begin(std::function<void(std::string_view)> keys) override;
  void end() override;
  void write(std::string_view bytes) override;
  bool size_changed(int* cols, int* rows) override;

 private:
  EventLoop& loop_;
  bool active_ = false;
  bool first_ = true;
  std::function<void(std::string_view)> keys_;
};

}  // namespace dust::ssh
