"""`make demo`: the sandbox (isolated namespace, moto in auth mode, seeded nodes, ssh hosts, host agent) with dust
running interactively inside it; everything is torn down when dust exits."""
import argparse
import os
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
    spec = os.path.join(sb.home, "demo1.yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(region=sb.moto.region, vpc=sb.vpc, subnet=sb.subnet, image=seed.IMAGE,
                            key=seed.KEY_NAME))
    print(sb.banner())
    t = sb.timings
    print(f"  (up in {t['total']:.1f}s: moto {t['moto']:.1f}s, seed {t['seed']:.1f}s, "
          f"{len(sb.hosts)} hosts {t['hosts']:.1f}s)")
    print(f"  cluster spec to try: load {spec}")
    print("  try: show · showex · @ hostname · @worker* uptime · exit leaves and tears it all down\n"
          "  (detach leaves too: the demo's sandbox, and so its dust server, ends with it)\n", flush=True)

    env = sb.env(PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    env.setdefault("TERM", "xterm-256color")
    # dust owns the terminal: Ctrl-C is its to handle (cancel the line), not ours.
    # The services run in sessions of their own (testbed.procs.start), so the terminal's signals reach
    # only dust and us; ServiceWatch says so if one dies anyway.
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Ctrl-\ (dust's detach key) would send SIGQUIT to every process of the terminal's group: make and
    # this script die of it, and the sandbox with them. A detach ends the demo anyway, so the key is
    # switched off while dust runs (`detach` still works).
    tty = sys.stdin.fileno() if sys.stdin.isatty() else None
    saved = termios.tcgetattr(tty) if tty is not None else None
    if saved:
        quiet = termios.tcgetattr(tty)
        quiet[6][termios.VQUIT] = b"\0"  # _POSIX_VDISABLE
        termios.tcsetattr(tty, termios.TCSANOW, quiet)
    watch = ServiceWatch(sb)
    try:
        rc = subprocess.call([opts.dust, *opts.args], env=env, cwd=sb.home,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    finally:
        signal.signal(signal.SIGINT, old)
        if saved:
            termios.tcsetattr(tty, termios.TCSANOW, saved)
        watch.stop()
        t0 = time.monotonic()
        sb.stop()
        sb._remove_dir()
        print(f"demo: sandbox torn down in {time.monotonic() - t0:.1f}s", flush=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
