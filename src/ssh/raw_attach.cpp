// attach_raw: byte pumping between a raw terminal (raw_terminal.h) and a node's session, window
// changes, triple Ctrl-C detach.
#include "ssh/raw_attach.h"

namespace dust::ssh {

RawEnd attach_raw(Pool& pool, const Endpoint& ep, RawTerminal& term, std::string* err,
                  const std::function<void()>& attaching,
                  std::function<void(std::string_view)> received) {
  if (std::string why = term.unusable(); !why.empty()) {
    *err = why;
    return RawEnd::Failed;
  }
  Session* s = pool.ready_session(ep, err, /*busy_ok=*/true);
  if (!s) return RawEnd::Failed;
  if (attaching) attaching();
  bool detached = false, gone = false;
  int ctrl_c = 0;
  term.begin([&](std::string_view keys) {
    if (keys.empty()) {  // the terminal went away
      detached = gone = true;
      return;
    }
    // Three Ctrl-C in a row (nothing between) mean "back to dust"; each still reaches the remote,
    // so a running program is interrupted as the user expects.
    for (char c : keys) ctrl_c = c == '\x03' ? ctrl_c + 1 : 0;
    s->write_raw(keys);
    if (ctrl_c >= 3) detached = true;
  });
  int cols = 80, rows = 24;
  term.size_changed(&cols, &rows);
  s->enter_raw(
      [&term, received = std::move(received)](std::string_view d) {
        term.write(d);
        if (received) received(d);
      },
      cols, rows);
  pool.loop().run_until(
      [&] {
        if (term.size_changed(&cols, &rows)) s->resize(cols, rows);
        return detached || s->state() != Session::State::Raw;
      },
      std::chrono::milliseconds(50));
  term.end();
  if (s->state() == Session::State::Raw) {
    if (gone) {
      // Nobody is left to type into that program: end the session as OpenSSH does when its
      // terminal goes (the remote side gets SIGHUP), so the next line is not typed into it.
      s->close();
      return RawEnd::SessionEnded;
    }
    s->leave_raw();
    term.write("\r\n");
    return RawEnd::Detached;
  }
  term.write("\r\n");
  return RawEnd::SessionEnded;
}

}  // namespace dust::ssh
