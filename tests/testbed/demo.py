"""`make demo`: the sandbox (isolated namespace, moto in auth mode, seeded nodes, ssh hosts, host agent) with dust
running interactively inside it; everything is torn down when dust exits."""
import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import termios
import threading
import time

# Run as a script, sys.path[0] is tests/testbed, where moto.py would shadow the real moto package:
# replace it with tests/ so that `testbed` imports and `moto` is moto.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
import testbed  # noqa: E402
from testbed import seed  # noqa: E402

SPEC = """\
# A cluster spec for `load demo1.yaml`: its nodes land in the sandbox subnet and get ssh hosts.
cloud: {{provider: ec2, region: {region}}}
cluster: {{name: demo1, vpc_id: {vpc}, subnet_id: {subnet}, ssh_cidr: 10.231.0.0/16}}
nodes:
- {{image: {image}, instance_type: t2.nano, nodename: master, username: root, key: {key}}}
- {{image: {image}, instance_type: t2.nano, nodename: worker, username: root, key: {key}, count: 2}}
"""

SSH_WRAPPER = """#!/bin/sh
# OpenSSH reads ~/.ssh from the passwd entry, not $HOME: point it at the sandbox's config.
exec /usr/bin/ssh -F "$HOME/.ssh/config" "$@"
"""


class ServiceWatch:
    """Says (on stderr, once per service) when a sandbox service dies while dust runs, and again when
    dust exits: without moto or an sshd the next command fails with "Connection refused" otherwise."""

    def __init__(self, sb, every=1.0):
        self.sb, self.every, self.told = sb, every, set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def check(self, when):
        for dead in self.sb.dead_services():
            if dead not in self.told:
                self.told.add(dead)
                sys.stderr.write(f"\r\ndemo: {dead} died {when}; the sandbox no longer works fully "
                                 "(exit dust and run `make demo` again)\r\n")
                sys.stderr.flush()

    def _run(self):
        while not self._stop.wait(self.every):
            self.check("while dust runs")

    def stop(self):
        self._stop.set()
        self._thread.join()
        self.check("during the session")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dust", default=testbed.dust_bin(), help="the program to run in the sandbox")
    ap.add_argument("--hosts", default="all", type=lambda v: v if v == "all" else int(v),
                    help="running seed nodes that get an ssh host (default all; 4 = master, worker0-2)")
    ap.add_argument("--no-agent", action="store_true", help="do not give new instances (load) ssh hosts")
    ap.add_argument("args", nargs="*", help="arguments passed to dust")
    opts = ap.parse_args()
    # dust runs from the sandbox HOME, so a relative path must be resolved here.
    opts.dust = os.path.abspath(opts.dust) if os.sep in opts.dust else (shutil.which(opts.dust) or opts.dust)
    if not os.access(opts.dust, os.X_OK):
        sys.exit(f"demo: {opts.dust} is not an executable (build it with `make`)")

    testbed.isolate()
    print("demo: starting the sandbox…", flush=True)
    sb = testbed.Sandbox(hosts=opts.hosts, agent=not opts.no_agent)
    bindir = os.path.join(sb.dir, "bin")
    os.makedirs(bindir)
    with open(os.path.join(bindir, "ssh"), "w") as f:
        f.write(SSH_WRAPPER)
    os.chmod(os.path.join(bindir, "ssh"), 0o755)
    # `dust` on the sandbox's PATH: `!dust start-server` at the prompt, or a shell in dust-window's env.
    os.symlink(os.path.abspath(opts.dust), os.path.join(bindir, "dust"))
    spec = os.path.join(sb.home, "demo1.yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(region=sb.moto.region, vpc=sb.vpc, subnet=sb.subnet, image=seed.IMAGE,
                            key=seed.KEY_NAME))
    env = sb.env(PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    env.setdefault("TERM", "xterm-256color")
    window = write_window_script(sb, bindir, env, opts.dust)
    print(sb.banner())
    t = sb.timings
    print(f"  (up in {t['total']:.1f}s: moto {t['moto']:.1f}s, seed {t['seed']:.1f}s, "
          f"{len(sb.hosts)} hosts {t['hosts']:.1f}s)")
    print(f"  cluster spec to try: load {spec}")
    print("  try: show · showex · @ hostname · @worker* uptime · exit leaves and tears it all down\n"
          f"  a second window on this sandbox (the same dust server and sessions): {window}\n"
          "  detach (or Ctrl-\\ twice) leaves the sandbox and its dust server running\n", flush=True)

    # The services run in sessions of their own (testbed.procs.start); dust runs as the terminal's
    # foreground job, as a shell runs a program: Ctrl-C, Ctrl-\ and Ctrl-Z reach dust alone, never
    # make, this script or a `| tee` after them. ServiceWatch says so if a service dies anyway.
    watch = ServiceWatch(sb)
    rc = 1
    try:
        rc = run_in_foreground([opts.dust, *opts.args], env, sb.home)
        if server_outlived(sb):
            wait_for_detached_server(sb, window)
    finally:
        watch.stop()
        t0 = time.monotonic()
        sb.stop()
        sb._remove_dir()
        say(f"demo: sandbox torn down in {time.monotonic() - t0:.1f}s")
    sys.exit(rc)


def say(text):
    """Prints a line; a reader that went away (`make demo | head`) does not stop the teardown."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")


def write_window_script(sb, bindir, env, dust):
    """bin/dust-window: dust in this sandbox (its network namespace, HOME and AWS settings) from any
    terminal of the machine: a second window attaches to the same dust server."""
    path = os.path.join(bindir, "dust-window")
    enter = f"nsenter --net=/run/netns/{shlex.quote(sb.ns)} -- " if sb.ns else ""
    assigns = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(env.items()) if k != "TERM")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n# Another window on the running `make demo` sandbox (dust's arguments are passed on).\n"
                f"cd {shlex.quote(sb.home)} || exit 1\n"
                f'exec {enter}env -i TERM="${{TERM:-xterm}}" {assigns} {shlex.quote(dust)} "$@"\n')
    os.chmod(path, 0o755)
    return path


def run_in_foreground(argv, env, cwd):
    """Runs argv in a process group of its own made the terminal's foreground group (when there is a
    terminal), and takes the terminal back when it ends. Returns its exit status."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        tty = None
    saved = termios.tcgetattr(tty) if tty is not None else None

    def child_setup():
        os.setpgid(0, 0)
        if tty is not None:
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            os.tcsetpgrp(tty, os.getpgrp())
        for sig in (signal.SIGTTOU, signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
            signal.signal(sig, signal.SIG_DFL)

    old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTTOU)}
    try:
        child = subprocess.Popen(argv, env=env, cwd=cwd, preexec_fn=child_setup)
        while True:
            _, status = os.waitpid(child.pid, os.WUNTRACED)
            if not os.WIFSTOPPED(status):
                return os.waitstatus_to_exitcode(status) if not os.WIFSIGNALED(status) \
                    else 128 + os.WTERMSIG(status)
            # Stopped (Ctrl-Z): the demo itself cannot be suspended; dust goes on.
            sys.stderr.write("\r\ndemo: the demo cannot be suspended; dust goes on\r\n")
            if tty is not None:
                os.tcsetpgrp(tty, child.pid)
            os.killpg(child.pid, signal.SIGCONT)
    finally:
        if tty is not None:
            os.tcsetpgrp(tty, os.getpgrp())
            termios.tcsetattr(tty, termios.TCSANOW, saved)
            os.close(tty)
        for s, h in old.items():
            signal.signal(s, h)


def server_outlived(sb, grace=2.0):
    """True when the sandbox's dust server still runs `grace` seconds after dust ended (a detach; an
    `exit` of the last client ends it within that)."""
    end = time.monotonic() + grace
    while sb.dust_server_pid() is not None:
        if time.monotonic() > end:
            return True
        time.sleep(0.1)
    return False


def wait_for_detached_server(sb, window):
    """dust detached: the sandbox and its dust server stay up until the server ends (`kill-server`, its
    idle timeout) or Ctrl-C here."""
    say(f"demo: dust detached; the sandbox and its dust server keep running.\n"
        f"      attach from any terminal: {window}\n"
        f"      Ctrl-C here (or `{window} kill-server`) ends the demo")
    try:
        while sb.dust_server_pid() is not None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    sb.stop_dust_server()


if __name__ == "__main__":
    main()
