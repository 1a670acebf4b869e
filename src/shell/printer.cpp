// Printer: readline-aware output.
#include "shell/printer.h"

#include <readline/readline.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>

#include "util/fd_io.h"

namespace dust::shell {

namespace {
constexpr size_t kQueueLimit = 64 * 1024;
}

void Printer::out(std::string_view text) {
  flush();
  write(STDOUT_FILENO, text);
}

void Printer::err(std::string_view text) {
  flush();
  write(STDERR_FILENO, text);
}

void Printer::queue_line(std::string_view prefix, std::string_view text,
                         const std::string& node_key) {
  if (sink_ && sink_->routes_nodes()) {
    flush();
    hide_status();
    std::string line;
    line.reserve(prefix.size() + text.size() + 2);
    line.append(prefix).append(" ").append(text).append("\n");
    sink_->node_line(node_key, line);
    return;
  }
  queued_.append(prefix);
  queued_ += ' ';
  queued_.append(text);
  queued_ += '\n';
  if (queued_.size() >= kQueueLimit) flush();
}

void Printer::flush() {
  if (sink_) sink_->flush();
  if (queued_.empty()) return;
  std::string text = std::move(queued_);
  queued_.clear();
  write(STDOUT_FILENO, text);
}

void Printer::set_status(std::string text) {
  if (text == status_ && (status_shown_ || text.empty())) return;
  flush();
  status_ = std::move(text);
  if (status_.empty()) return hide_status();
  emit(STDERR_FILENO, "\r\x1b[K" + status_);
  status_shown_ = true;
}

void Printer::hide_status() {
  if (!status_shown_) return;
  status_shown_ = false;
  emit(STDERR_FILENO, "\r\x1b[K");
}

void Printer::write(int fd, std::string_view text) {
  hide_status();
  emit(fd, text);
}

void Printer::emit(int fd, std::string_view text) {
  if (sink_) {
    sink_->write(fd == STDERR_FILENO ? OutputSink::Stream::Err : OutputSink::Stream::Out, text);
    return;
  }
  if (prompt_visible_) {
    rl_clear_visible_line();
    fflush(rl_outstream ? rl_outstream : stdout);
  }
  fflush(stdout);
  // Output that cannot be written is dropped here; a lost stdout makes the exit status say so
  // (util::exit_status_with_stdout).
  if (fd == STDOUT_FILENO)
    (void)util::write_stdout(text);
  else
    (void)util::write_all(fd, text);
  if (prompt_visible_) rl_forced_update_display();
}

}  // namespace dust::shell
