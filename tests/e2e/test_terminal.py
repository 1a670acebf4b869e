"""E2E: the terminal has one owner at a time (issue 9 §1; issue 10 items 14, 15, 16).

A line typed while a command runs (put, get, --wait loops, Lua's dust.run, raw mode) must neither crash
dust (readline aborting with rc 250 before) nor be lost: it stays in the tty and runs afterwards, as in
bash. Ctrl-D/Ctrl-C at any question cancel the whole command; `exit` with remote commands still
running says so and asks; Ctrl-Z then `fg` redraws the half-typed line; Ctrl-C at the `make demo`
prompt leaves the sandbox alive."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import pexpect

import testbed
from testbed import dust_bin
from testbed.harness import REPO

PROMPT = r"dust:\S*\$ "

class DemoSignals(unittest.TestCase):
    """`make demo`'s services are not in the terminal's process group: Ctrl-C at the prompt leaves them be."""

    def demo(self):
        env = dict(os.environ, TERM="xterm")
        env.pop(testbed.isolation.ENV_MARK, None)  # the demo isolates itself, like `make demo`
        env.pop("TMPDIR", None)
        c = pexpect.spawn(sys.executable, [os.path.join(REPO, "tests", "testbed", "demo.py"), "--hosts", "2",
                                           "--no-agent", "--dust", dust_bin()],
                          env=env, encoding="utf-8", timeout=120, dimensions=(40, 160), codec_errors="replace")
        if os.environ.get("DUST_TEST_VERBOSE"):
            c.logfile_read = sys.stdout
        self.addCleanup(c.close, force=True)
        c.expect(PROMPT)
        return c

    def test_ctrl_c_at_the_prompt_keeps_the_sandbox(self):
        c = self.demo()
        c.sendcontrol("c")
        c.expect(PROMPT)
        time.sleep(1)
        c.sendline("@worker0 echo alive-$((6*7))")
        i = c.expect_exact(["[worker0] alive-42", "refused", pexpect.EOF])
        self.assertEqual(i, 0, c.before[-800:])
        c.expect(PROMPT)
        c.sendline("show")
        c.expect_exact("worker1")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect_exact("sandbox torn down")
        self.assertNotIn("died", c.before)

    def test_a_dead_service_is_named(self):
        c = self.demo()
        # The demo's own moto_server: a process of this test's tree (found through /proc parent links).
        moto = [p for p in descendants(c.pid) if b"moto_server" in cmdline(p)]
        self.assertEqual(len(moto), 1, moto)
        os.kill(moto[0], signal.SIGKILL)
        c.expect(r"demo: moto_server \(pid \d+, killed by SIGKILL\) died")
        c.sendline("exit")
        c.expect_exact("sandbox torn down")


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def descendants(root):
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


if __name__ == "__main__":
    testbed.main()
