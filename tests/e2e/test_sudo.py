"""E2E: sudo passwords asked once (issue 12 §2, PRODUCT.md §9). Every host has a login user `dusty`
whose sudo (Debian's sudo, PAM, no cached credentials) asks for a password; dust asks the person once
for all waiting nodes, sends the answer only to them, reports wrong passwords per node, fails the nodes
at once without a terminal, and the password is nowhere in dust's output, logs or files afterwards."""
import os
import re
import secrets
import subprocess
import time

import pexpect

import testbed

PASSWORD = "pw-" + secrets.token_hex(8)


class Sudo(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2
    SUDO_USER = ("dusty", PASSWORD)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sb = cls.sandbox
        # Log in as dusty everywhere (the sandbox key is in the shared authorized_keys).
        cls.cfg = os.path.join(sb.dir, "sudo_ssh_config")
        with open(cls.cfg, "w") as f:
            f.write(f"Host *\n    User dusty\n    IdentityFile {sb.identity}\n"
                    f"    UserKnownHostsFile {sb.known_hosts}\n    StrictHostKeyChecking accept-new\n")
        cls.transcript = []

    def session(self):
        # Transcripts on (inside the sandbox, so assert_password_nowhere reads them too).
        self.logdir = os.path.join(self.sandbox.dir, "transcripts")
        c = self.spawn("-F", self.cfg, "--log-dir", self.logdir, timeout=30)
        log = open(os.path.join(self.sandbox.dir, f"pty-{len(self.transcript)}.log"), "w")
        self.transcript.append(log.name)
        self.addCleanup(log.close)
        c.logfile_read = log
        c.expect(r"dust:\S*\$ ")
        return c

    def assert_password_nowhere(self):
        # dust's output (the pty), and every file under the sandbox (HOME with history and DUST_HOME
        # with logs, the hosts' logs) except the testbed's own /etc copies that hold the hash.
        for root, dirs, files in os.walk(self.sandbox.dir):
            dirs[:] = [d for d in dirs if d != "etc"]
            for name in files:
                path = os.path.join(root, name)
                try:
                    with open(path, "rb") as f:
                        self.assertNotIn(PASSWORD.encode(), f.read(), path)
                except (OSError, PermissionError):
                    pass

    def test_asked_once_for_three_nodes_and_all_proceed(self):
        c = self.session()
        c.sendline("@worker* sudo id -un; echo after-sudo")
        c.expect(r"sudo password for worker\[0-2\] \(3 nodes\): ")
        c.sendline(PASSWORD)
        got = {"root": set(), "after-sudo": set()}
        while got != {"root": {"worker0", "worker1", "worker2"}, "after-sudo": {"worker0", "worker1", "worker2"}}:
            i = c.expect([r"\[(worker\d)\] (root|after-sudo)", r"sudo password for"])
            self.assertEqual(i, 0, "asked a second time")
            got[c.match.group(2)].add(c.match.group(1))
        c.sendline("exit")
        c.expect(pexpect.EOF)
        with open(self.transcript[-1]) as f:
            text = f.read()
        self.assertEqual(text.count("sudo password for"), 1, text)
        self.assertNotIn("[sudo] password for", text, "the nodes' own prompts are not shown")
        with open(os.path.join(self.logdir, "worker0.log")) as f:
            log = f.read()
        self.assertIn("$ sudo id -un; echo after-sudo", log)  # the transcript records the command
        self.assertIn("| after-sudo", log)
        self.assert_password_nowhere()

    def test_a_wrong_password_is_reported_per_node(self):
        c = self.session()
        c.sendline("@worker0,worker1 sudo true; echo status=$?")
        for attempt in range(3):
            c.expect(r"sudo password for worker\[0-1\] \(2 nodes\): ")
            c.sendline("wrong-" + str(attempt))
        for _ in range(2):
            c.expect(r"\[worker\d\] status=1")
        with open(self.transcript[-1]) as f:
            text = f.read()
        for n in ("worker0", "worker1"):
            self.assertIn(f"[{n}] Sorry, try again.", text)
            self.assertRegex(text, rf"\[{n}\] sudo: 3 incorrect password attempts")
        c.sendline("exit")
        c.expect(pexpect.EOF)
        self.assert_password_nowhere()

    def test_without_a_terminal_the_nodes_fail_at_once(self):
        t0 = time.monotonic()
        r = self.dust("-F", self.cfg, "@worker0,worker1", "sudo id -un", timeout=40)
        took = time.monotonic() - t0
        self.assertNotEqual(r.rc, 0, r.out)
        for n in ("worker0", "worker1"):
            self.assertIn(f"[{n}] error: sudo asked for a password; run interactively or allow NOPASSWD", r.err)
        self.assertNotIn("] root", r.out)
        self.assertLess(took, 20)


if __name__ == "__main__":
    testbed.main()
