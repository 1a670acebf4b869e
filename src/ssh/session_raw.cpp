// Session, raw mode: the shell made interactive again for a person at a terminal (echo, line
// editing, a readable prompt), or the running command attached as it is; and back to line mode.
#include <fmt/format.h>

#include "ssh/session.h"
#include "ssh/session_detail.h"

namespace dust::ssh {

bool Session::enter_raw(std::function<void(std::string_view)> sink, int cols, int rows) {
  if (state_ != State::Ready && state_ != State::Busy) return false;
  raw_sink_ = std::move(sink);
  raw_busy_ = state_ == State::Busy;
  state_ = State::Raw;
  ssh_channel_change_pty_size(ch_, cols, rows);
  // A running command gets the keys as they are: nothing may be typed into it on dust's behalf. The
  // shell is made interactive once the command's prompt marker shows it has ended (raw_text).
  if (!raw_busy_) send_raw_enter();
  step();
  return true;
}

void Session::send_raw_enter() {
  raw_entering_ = true;
  // Echo, output processing, canonical input, line editing and history back on (what a person
  // types here is theirs to recall), a readable prompt (PS2 too: line mode's is a marker); the
  // printf'd marker tells where the shell's answer to this line ends and the user's session begins.
  outq_ += fmt::format(
      " stty echo opost icanon 2>/dev/null; set -o emacs 2>/dev/null;"
      " (set -o history) 2>/dev/null && set -o history; [ -n \"$ZSH_VERSION\" ] && "
      "setopt ZLE;"
      " PS2='> '; PS1='rawshell:{}:$PWD$ '; printf '\\036{}:0:'\n",
      ep_.node_label, scanner_.nonce().substr(1));
}

void Session::raw_text(std::string_view text) {
  // Line mode's pty does no output processing (-opost): a terminal in raw mode needs "\r\n".
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  raw_sink_(out);
}

void Session::write_raw(std::string_view bytes) {
  if (state_ != State::Raw) return;
  if (raw_entering_) {
    // Keys typed before the shell is interactive wait for it: the line-mode shell (no line editing,
    // non-canonical input) would read them into its own buffer, where the line editor never looks.
    raw_held_.append(bytes);
    return;
  }
  outq_.append(bytes);
  step();
}

void Session::resize(int cols, int rows) {
  if (ch_ && !handshaking()) ssh_channel_change_pty_size(ch_, cols, rows);
  step();
}

void Session::leave_raw() {
  if (state_ != State::Raw) return;
  raw_sink_ = nullptr;
  ssh_channel_change_pty_size(ch_, detail::kLineCols, detail::kLineRows);
  if (raw_busy_) {
    // The command still runs (line mode's terminal settings are still in place): it is Busy again,
    // its output and its end reach the job as before.
    raw_busy_ = false;
    state_ = State::Busy;
    step();
    return;
  }
  raw_entering_ = false;
  raw_held_.clear();
  // Ctrl-U drops a half-typed line; the setup line restores the marker protocol (on_ready after).
  outq_ += "\x15";
  state_ = State::Setup;
  send_setup(true);
  step();
}

}  // namespace dust::ssh
