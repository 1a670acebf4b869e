// The client side (client.h): readline and history here, lines to the server.
#include "server/client.h"

#include <fmt/format.h>
#include <poll.h>
#include <readline/readline.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "server/client_link.h"
#include "shell/client_io.h"
#include "shell/history.h"
#include "shell/node_output.h"
#include "shell/printer.h"
#include "shell/readline_completion.h"
#include "shell/terminal.h"
#include "util/environment.h"
#include "util/error.h"
#include "util/event_loop.h"
#include "util/fd_io.h"
#include "util/interrupt.h"
#include "util/paths.h"

namespace dust::server {
namespace {

volatile sig_atomic_t g_winch = 0;
volatile sig_atomic_t g_quits = 0;  // Ctrl-\ (SIGQUIT) presses
void on_winch(int) { g_winch = 1; }
void on_quit(int) { g_quits = g_quits + 1; }

void on_signal(int sig, void (*fn)(int), struct sigaction* old = nullptr) {
  struct sigaction sa {};
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: waits wake up and look at the flags
  sigaction(sig, &sa, old);
}

std::string cwd() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? buf : "/";
}

Size terminal_size() {
  winsize ws{};
  for (int fd : {STDOUT_FILENO, STDIN_FILENO, STDERR_FILENO})
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return {ws.ws_col, ws.ws_row};
  return {0, 0};
}

// This process as the client a server serves (docs/server.md).
ClientInfo this_client() {
  ClientInfo c;
  c.env = Environment::capture().vars();
  c.cwd = cwd();
  c.stdin_tty = isatty(STDIN_FILENO) != 0;
  c.stdout_tty = isatty(STDOUT_FILENO) != 0;
  c.stderr_tty = isatty(STDERR_FILENO) != 0;
  c.terminal = shell::have_terminal();
  Size sz = terminal_size();
  c.cols = sz.cols;
  c.rows = sz.rows;
  c.colour = shell::NodeOutput::colour_wanted(STDOUT_FILENO);
  return c;
}

// Raw mode for the server's `@node` (RawBegin … RawEnd): this terminal raw, keys go as Input.
class RawSide {
 public:
  bool active() const { return active_; }
  void begin() {
    if (active_) return;
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    cfmakeraw(&raw);
    tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
    active_ = true;
  }
  void end() {
    if (!active_) return;
    tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
    active_ = false;
  }
  // Forwards what was typed; false when stdin is gone.
  bool forward(ClientLink& link) {
    char buf[4096];
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    if (n == 0) return false;
    link.send(Type::Input, std::string(buf, static_cast<size_t>(n)));
    return true;
  }
  ~RawSide() { end(); }

 private:
  bool active_ = false;
  termios saved_{};
};

// The answer to the server's question, asked here on the terminal.
void answer(ClientLink& link, const Frame& f) {
  Ask a = decode_ask(f.payload);
  std::optional<std::string> given = shell::ask_on_terminal(a.question, a.secret);
  link.send(Type::Answer, encode_answer(given));
  // Not OpenSSL's cleanse: the front (front_main.cpp) links no libcrypto for it.
  if (given) explicit_bzero(given->data(), given->size());
}

void write_all(int fd, std::string_view text) { (void)util::write_all(fd, text); }

// What the line left for this process: a `cd` (its working directory, where its local commands run
// and later lines' local paths resolve), then a local command. Returns the line's status.
int finish_locally(const Done& d, bool interactive) {
  if (d.cwd) {
    if (chdir(d.cwd->c_str()) != 0) {
      write_all(STDERR_FILENO, fmt::format("dust: cd {}: {}\n", *d.cwd, strerror(errno)));
      return 1;
    }
    setenv("PWD", d.cwd->c_str(), 1);
  }
  if (!d.local) return d.status;
  int status = shell::run_local_command(*d.local, interactive);
  // A Ctrl-C that reached the command (it shares this process's group when there is no job
  // control) is the prompt's to forget; a script stops at it, as in one process.
  if (interactive) {
    interrupt::reset();
    interrupt::drain();
  }
  // At the prompt a failed local command says so (a script or one-shot has its exit status).
  if (interactive && status != 0 && status < 128)
    write_all(STDERR_FILENO, fmt::format("(local command: exit {})\n", status));
  return status;
}

// The attached shell's state: what the server said last.
class Attached {
 public:
  Attached(int fd, Settings asked)
      : link_(fd), term_(loop_, out_, true, false), asked_(std::move(asked)) {}

  int run() {
    Hello h;
    h.version = DUST_VERSION;
    h.kind = ClientKind::Interactive;
    h.settings = asked_;
    h.client = this_client();
    if (!link_.hello(h)) return lost();
    loop_.watch(link_.fd(), POLLIN, [this](short) { receive(0); });
    if (!wait()) return lost();  // the first Done brings the prompt
    shell::open_history();
    rl_catch_signals = 0;
    rl_readline_name = "dust";
    shell::setup_completion([this](const std::string& before, const std::string& text) {
      return complete(before, text);
    });
    on_signal(SIGQUIT, on_quit);
    term_.start_editing([this] { return prompt_; },
                        [this](std::optional<std::string> line) { on_line(std::move(line)); });
    auto first_quit = std::chrono::steady_clock::now();
    int quits_seen = 0;  // presses already looked at (both may arrive within one loop turn)
    while (!leave_) {
      loop_.run_once(std::chrono::milliseconds(500));
      if (link_.gone() && !leave_) {
        term_.stop_editing();
        return lost();
      }
      if (g_quits > 0) {  // Ctrl-\ twice within a second: detach
        auto now = std::chrono::steady_clock::now();
        if (quits_seen == 0) first_quit = now;
        quits_seen = g_quits;
        if (g_quits >= 2 && now - first_quit < std::chrono::seconds(1)) {
          term_.stop_editing();
          out_.err("\ndetached: the dust server keeps the sessions; `dust` attaches again\n");
          leave_ = true;
        } else if (g_quits >= 2) {
          g_quits = 1;
          quits_seen = 1;
          first_quit = now;
        }
      }
    }
    term_.stop_editing();
    shell::close_history();
    return status_;
  }

 private:
  void on_line(std::optional<std::string> line) {
    if (!line) {  // Ctrl-D: readline has ended the prompt's line itself
      link_.send(Type::Eof);
    } else {
      link_.send(Type::Line, *line);
    }
    // Kept in history once the server said it was no answer to a node's password prompt.
    bool answered = wait();
    if (line && answered && !done_.secret) shell::remember(*line);
    if (!answered || done_.leave) {
      leave_ = true;
      term_.stop_editing();
    }
  }

  // Until the server's Done (false when it went away). Ctrl-C and window changes go to the
  // server meanwhile; Ctrl-\ twice leaves the line running there and detaches.
  bool wait() {
    have_done_ = false;
    struct sigaction old {};
    on_signal(SIGWINCH, on_winch, &old);
    int seen = interrupt::count();
    int quits = g_quits;
    loop_.run_until(
        [&] {
          for (; seen < interrupt::count(); ++seen) link_.send(Type::Interrupt);
          if (g_winch) {
            g_winch = 0;
            link_.send(Type::Winch, encode_size(terminal_size()));
          }
          if (g_quits >= quits + 2 && !raw_.active()) {
            out_.err(
                "\ndetached while the line runs on: the dust server keeps it and the sessions\n");
            detached_ = true;
            return true;
          }
          return have_done_ || link_.gone();
        },
        std::chrono::milliseconds(100));
    sigaction(SIGWINCH, &old, nullptr);
    end_raw();
    if (detached_) {
      done_ = {0, prompt_, true, "", std::nullopt};
      return true;
    }
    if (!have_done_) return false;
    status_ = done_.status;
    prompt_ = done_.prompt;
    if (!done_.why.empty()) out_.err(done_.why);
    // A local command is for this shell: run here, with this terminal's job control.
    status_ = finish_locally(done_, true);
    return true;
  }

  void end_raw() {
    if (!raw_.active()) return;
    loop_.unwatch(STDIN_FILENO);
    raw_.end();
  }

  // Reads what arrived and acts on it; `want` (Completions) is kept for the caller.
  void receive(int wait_ms) {
    link_.read(wait_ms);
    // Consecutive output is printed in one go: one redraw of the prompt for all of it.
    std::string out;
    auto print = [&] {
      if (!out.empty()) out_.out(std::exchange(out, {}));
    };
    while (auto f = link_.next()) {
      if (f->type != Type::Out) print();
      switch (f->type) {
        case Type::Out:
          if (completing_)
            deferred_.push_back(*f);
          else
            out.append(f->payload);
          break;
        case Type::Err:
          if (completing_)
            deferred_.push_back(*f);
          else
            out_.err(f->payload);
          break;
        case Type::Done:
          done_ = decode_done(f->payload);
          have_done_ = true;
          break;
        case Type::Completions:
          completions_ = decode_completions(f->payload);
          break;
        case Type::Bye:
          out_.err(f->payload);
          bye_ = true;
          break;
        case Type::Ask: {  // a question: the prompt steps aside while it is asked here
          shell::Terminal::Hold held = term_.hold();
          answer(link_, *f);
          break;
        }
        case Type::RawBegin:
          raw_.begin();
          loop_.watch(STDIN_FILENO, POLLIN, [this](short) {
            if (!raw_.forward(link_)) end_raw();
          });
          break;
        case Type::RawEnd:
          end_raw();
          break;
        default:
          break;
      }
    }
    print();
  }

  shell::Candidates complete(const std::string& before, const std::string& text) {
    completions_.reset();
    completing_ = true;
    link_.send(Type::Complete, encode_complete({before, text}));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!completions_ && !link_.gone() && std::chrono::steady_clock::now() < deadline)
      receive(100);
    completing_ = false;
    if (!deferred_.empty())
      loop_.after(std::chrono::milliseconds(0), [this] {
        for (auto& f : std::exchange(deferred_, {}))
          f.type == Type::Out ? out_.out(f.payload) : out_.err(f.payload);
      });
    if (!completions_) return {};
    return {completions_->matches, completions_->files};
  }

  int lost() {
    if (!bye_) out_.err("\ndust: the dust server went away (killed?); `dust` starts a new one\n");
    return 1;
  }

  EventLoop loop_;
  shell::Printer out_;
  ClientLink link_;
  shell::Terminal term_;
  std::string prompt_;
  Done done_;
  bool have_done_ = false;
  bool leave_ = false;
  bool bye_ = false;
  Settings asked_;
  bool detached_ = false;
  bool completing_ = false;
  int status_ = 0;
  std::optional<Completions> completions_;
  std::vector<Frame> deferred_;
  RawSide raw_;
};

// Waits for the Done of the line just sent, passing Ctrl-C and window changes on. -1 when the
// server went away.
int await_done(ClientLink& link, Done* done) {
  int seen = interrupt::count();
  RawSide raw;
  for (;;) {
    for (; seen < interrupt::count(); ++seen) link.send(Type::Interrupt);
    if (interrupt::count() >= 3) return 130;  // the server does not answer: leave
    if (g_winch) {
      g_winch = 0;
      link.send(Type::Winch, encode_size(terminal_size()));
    }
    pollfd p[2] = {{link.fd(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    if (poll(p, raw.active() ? 2 : 1, 200) > 0 && raw.active() && (p[1].revents & POLLIN))
      if (!raw.forward(link)) raw.end();
    if (!link.read(0)) return -1;
    while (auto f = link.next()) {
      switch (f->type) {
        case Type::Out:
          (void)util::write_stdout(f->payload);
          break;
        case Type::Err:
          write_all(STDERR_FILENO, f->payload);
          break;
        case Type::Bye:
          write_all(STDERR_FILENO, "dust: " + f->payload);
          return -2;
        case Type::Ask:
          answer(link, *f);
          break;
        case Type::RawBegin:
          raw.begin();
          break;
        case Type::RawEnd:
          raw.end();
          break;
        case Type::Done:
          *done = decode_done(f->payload);
          return 0;
        default:
          break;
      }
    }
  }
}

// One line of stdin, read byte by byte: what follows stays for the commands that read stdin.
bool read_script_line(std::string* line) {
  line->clear();
  char c;
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) {
      if (interrupt::pending()) return false;  // Ctrl-C while waiting for the next line: 130
      continue;
    }
    if (n <= 0) return !line->empty();
    if (c == '\n') return true;
    line->push_back(c);
  }
}

}  // namespace

int run_attached(int fd, const Settings& asked) { return Attached(fd, asked).run(); }

int run_through(int fd, const std::optional<std::string>& line, const shell::Invocation& inv,
                const Settings& asked) {
  const bool nostdin = inv.nostdin;
  ClientLink link(fd);
  Hello h;
  h.version = DUST_VERSION;
  h.kind = ClientKind::Command;
  h.client = this_client();
  h.json = inv.json;
  h.yes = inv.yes;
  h.loglevel = inv.level;
  h.settings = asked;
  if (!link.hello(h)) return 1;
  on_signal(SIGWINCH, on_winch);
  int worst = 0;
  std::string text;
  while (line ? text.empty() : read_script_line(&text)) {
    if (line) text = *line;
    if (text.find_first_not_of(" \t") != std::string::npos &&
        text[text.find_first_not_of(" \t")] == '@') {
      // --nostdin, and a script's lines (its stdin is the script): end of file at once, `ssh -n`.
      std::optional<std::string> in;
      try {
        in = nostdin || !line ? std::optional<std::string>("") : shell::read_all_stdin();
      } catch (const Error& e) {
        if (interrupt::pending()) break;  // nothing was sent: 130 below
        write_all(STDERR_FILENO, fmt::format("error: {}\n", e.what()));  // as in one process
        return 1;
      }
      if (in) link.send(Type::Stdin, *in);
    }
    // A Ctrl-C before the line is sent (while connecting, reading stdin, or between a script's
    // lines) ends here: nothing more runs, as in one process.
    if (interrupt::pending()) break;
    link.send(Type::Line, text);
    Done d;
    int rc = await_done(link, &d);
    if (rc < 0) {  // -2: the server said why (Bye)
      if (rc == -1) write_all(STDERR_FILENO, "dust: the dust server went away\n");
      return 1;
    }
    if (rc == 130) return 130;
    d.status = finish_locally(d, false);  // a local command is for this process's shell
    if (interrupt::pending()) return 130;
    if (d.status != 0) worst = d.status;
    if (d.leave || line) break;
  }
  return interrupt::pending() ? 130 : worst;
}

int kill_server(int fd, bool yes) {
  ClientLink link(fd);
  Hello h;
  h.version = DUST_VERSION;
  h.kind = ClientKind::Control;
  if (!link.hello(h)) return 1;
  if (!yes) {
    // Asks before it ends anybody's work: attached clients, commands still running on nodes.
    if (!link.send(Type::Kill, "?")) return 1;
    std::optional<Frame> said;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!said && !link.gone() && std::chrono::steady_clock::now() < until) {
      link.read(200);
      while (auto f = link.next())
        if (f->type == Type::Err) said = std::move(f);
    }
    if (!said) {
      write_all(STDERR_FILENO, "dust: kill-server: the dust server did not answer\n");
      return 1;
    }
    std::string_view would_end = said->payload;
    if (!would_end.empty() && would_end.back() == '\n') would_end.remove_suffix(1);
    if (!would_end.empty()) {
      std::string what = "the dust server would end with its sessions: " + std::string(would_end);
      if (!shell::have_terminal()) {
        write_all(STDERR_FILENO,
                  fmt::format("dust: kill-server: {}; not ended (add --yes)\n", what));
        return 1;
      }
      std::optional<std::string> a = shell::ask_on_terminal(what + ". End it? [y/N] ", false);
      if (!a || (*a != "y" && *a != "Y" && *a != "yes")) {
        write_all(STDERR_FILENO, "dust: kill-server: cancelled, the server goes on\n");
        return 1;
      }
    }
  }
  if (!link.send(Type::Kill)) return 1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (link.read(200) && std::chrono::steady_clock::now() < deadline) {
    while (auto f = link.next()) {
    }
  }
  if (!link.gone()) return 1;
  write_all(STDERR_FILENO,
            fmt::format("dust: the dust server for {} was ended\n", paths::dust_home()));
  return 0;
}

}  // namespace dust::server
