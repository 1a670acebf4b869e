"""Helpers for e2e test authors: run dust one-shot/scripted, spawn it on a pty, and a sandbox-per-module TestCase."""
import hashlib
import os
import subprocess
import sys
import unittest
from collections import namedtuple

from . import isolation
from .sandbox import Sandbox

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

Result = namedtuple("Result", "rc out err")


def sha256_of(path):
    """The SHA-256 of a file's bytes (hex), read in 1 MiB pieces: a transfer's copy is the same file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def dust_bin():
    """The binary under test: $DUST_BIN (set by CTest), else build/dust in the checkout."""
    return os.environ.get("DUST_BIN") or os.path.join(REPO, "build", "dust")


def run_dust(args, input=None, env=None, timeout=30, sandbox=None):
    """Run dust to completion. args: list (one-shot `dust WORDS...`; [] with input = script mode on stdin).
    Returns Result(rc, out, err); unpacks as `rc, out, err = run_dust(...)`."""
    env = env if env is not None else (sandbox.env() if sandbox else dict(os.environ))
    # A session of its own: no controlling terminal, so dust's questions meet "no terminal" (as in CI)
    # whether or not the tests run from one. Questions are answered on a terminal: dust_tty().
    p = subprocess.run([dust_bin(), *args], input=input if input is not None else "", env=env,
                       capture_output=True, text=True, timeout=timeout, start_new_session=True)
    return Result(p.returncode, p.stdout, p.stderr)


def spawn_dust(args=(), env=None, timeout=10, sandbox=None, rows=40, cols=160):
    """dust on a pseudo-terminal (interactive mode) as a pexpect child; the caller closes it."""
    import pexpect
    env = env if env is not None else (sandbox.env() if sandbox else dict(os.environ))
    env.setdefault("TERM", "xterm")
    child = pexpect.spawn(dust_bin(), list(args), env=env, encoding="utf-8", timeout=timeout,
                          dimensions=(rows, cols), codec_errors="replace")
    if os.environ.get("DUST_TEST_VERBOSE"):
        child.logfile_read = sys.stdout
    return child


class SandboxTestCase(unittest.TestCase):
    """One sandbox per test class (setUpClass). Override HOSTS, INSTANCES, BULK, AGENT to change it.
    Tests share the sandbox: restore what you change (instance states, hosts you break)."""

    HOSTS = 4
    INSTANCES = None
    BULK = 0
    AGENT = False
    SUDO_USER = None  # (name, password): a login user whose sudo asks for the password, on every host

    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox(hosts=cls.HOSTS, instances=cls.INSTANCES, bulk=cls.BULK, agent=cls.AGENT,
                              sudo_user=cls.SUDO_USER)

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.stop()
        cls.sandbox._remove_dir()

    def dust(self, *args, input=None, timeout=30, **env):
        """run_dust in the sandbox; keyword arguments become extra environment variables."""
        return run_dust(list(args), input=input, env=self.sandbox.env(**env), timeout=timeout)

    def dust_tty(self, *args, answers=(), timeout=30, **env):
        """dust on a terminal, answering its questions in order (None: Ctrl-D). Returns Result(rc, everything
        the terminal showed, ""): on a terminal stdout and stderr are one stream."""
        import io
        import pexpect
        child = spawn_dust(args, env=self.sandbox.env(**env), timeout=timeout)
        shown = io.StringIO()
        child.logfile_read = shown
        try:
            for a in answers:
                child.expect([r"\[y/N\] ", r"\]: ", r"name: "])
                if a is None:
                    child.sendeof()
                else:
                    child.sendline(a)
            child.expect(pexpect.EOF)
        finally:
            child.close()
        return Result(child.exitstatus if child.exitstatus is not None else -1, shown.getvalue(), "")

    def spawn(self, *args, timeout=10, **env):
        # Interactive dust runs its sessions in a server that outlives the client (issue 13): the
        # test's server ends with the test (cleanups run last-in first-out: the client goes first).
        self.addCleanup(self.sandbox.stop_dust_server)
        child = spawn_dust(args, env=self.sandbox.env(**env), timeout=timeout)
        self.addCleanup(child.close, force=True)
        return child


def main():
    """`if __name__ == "__main__": testbed.main()` — isolate (root), then run this module's unittests."""
    isolation.isolate()
    unittest.main(module="__main__", verbosity=2)
