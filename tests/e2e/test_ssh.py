"""E2E: persistent parallel ssh shells (issue 3) — `@target cmd` and raw mode through the real dust binary
against moto + one sshd per host (network namespaces as root, loopback ports otherwise)."""
import json
import os
import re
import signal
import subprocess
import time

import testbed
from testbed.harness import dust_bin


def lines_of(out, node):
    return [l[len(node) + 3:] for l in out.splitlines() if l.startswith(f"[{node}] ")]


class LineMode(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2

    def test_every_node_answers_with_its_own_hostname_and_keys_are_recorded(self):
        r = self.dust("@master,worker[0-2]", "hostname")
        self.assertEqual(r.rc, 0, r.err)
        for name in ("master", "worker0", "worker1", "worker2"):
            self.assertEqual(lines_of(r.out, name), [name], r.out)
        # Selected nodes that are not running are named, never silently dropped.
        r = self.dust("@db,worker0", "true")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("not running: db", r.err)
        # Two nodes share the Name web (one stopped, one running without an ssh host here): each is named
        # web(i-…) in messages, never a bare, ambiguous "web".
        r = self.dust("@web", "true")
        self.assertRegex(r.err, r"not running: web\(i-[0-9a-f]+\)")
        self.assertRegex(r.err, r"\[web\(i-[0-9a-f]+\)\] error: ")
        # accept-new: every host's key is now in known_hosts.
        with open(self.sandbox.known_hosts) as f:
            known = f.read()
        for h in self.sandbox.hosts:
            self.assertIn(h.host_key.split()[1], known)

    def test_state_persists_between_lines(self):
        script = "@worker0 cd /tmp\n@worker0 export FOO=bar-$(hostname)\n@worker0 pwd; echo $FOO\n"
        r = self.dust(input=script)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(lines_of(r.out, "worker0"), ["/tmp", "bar-worker0"])

    def test_exit_codes_per_node_and_one_shot_status(self):
        r = self.dust("@worker[0-2]", 'test "$(hostname)" = worker1')
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("exit 1: worker[0,2]   (1 ok)", r.err)
        r = self.dust("@worker0", "exit_with() { return $1; }; exit_with 42")
        self.assertEqual(r.rc, 42, r.err)

    def test_a_shell_killed_by_a_signal_is_a_failure_naming_the_signal(self):
        # Issue 21: `kill -9 $$` (or the OOM killer) ended the session and was reported as success.
        r = self.dust("@worker1", "kill -9 $$")
        self.assertEqual(r.rc, 137, r.out + r.err)
        self.assertIn("killed by signal KILL", r.out + r.err)
        self.assertIn("exit 137: worker1", r.err)
        r = self.dust("--json", "@worker2", "kill -SEGV $$")
        self.assertEqual(r.rc, 139, r.out + r.err)
        records = [json.loads(l) for l in r.out.splitlines()]
        self.assertIn({"node": "worker2", "exit": 139}, records, r.out)

    def test_output_without_final_newline_and_binary_and_long_lines(self):
        cmd = r"printf 'a\000b\377c\n'; head -c 30000 /dev/zero | tr '\0' x; echo; printf 'tail-no-newline'"
        r = self.dust("@worker0", cmd)
        self.assertEqual(r.rc, 0, r.err)
        got = lines_of(r.out, "worker0")
        self.assertEqual(got[0], r"a\x00b\xffc")
        self.assertEqual(got[-1], "tail-no-newline")
        # Kept whole up to 1 MiB (test_outcomes.py: where a longer line is cut).
        self.assertEqual(got[1:-1], ["x" * 30000])

    def test_prompt_answered_on_several_nodes_and_background_output(self):
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline('@worker[0-1] read -p "Continue? [Y/n] " a; echo got $a')
        c.expect(r"\[worker0\] Continue\? \[Y/n\]")
        c.expect(r"\[worker1\] Continue\? \[Y/n\]") if "worker1] Continue" not in c.before else None
        c.sendline("@worker[0-1] Y")
        c.expect(r"\[worker\d\] got Y")
        c.expect(r"\[worker\d\] got Y")
        # A background job prints later, while dust sits at its prompt.
        c.sendline("@worker2 (sleep 2; echo bg-done) &")
        t0 = time.monotonic()
        c.expect(r"\[worker2\] bg-done", timeout=15)
        self.assertGreater(time.monotonic() - t0, 1.5)
        c.sendline("exit")

    def test_ctrl_c_interrupts_the_remote_commands_and_a_second_one_quits(self):
        env = self.sandbox.env()
        # First Ctrl-C: ^C goes to each node's pty, the foreground `sleep` dies, the nodes report 130.
        p = subprocess.Popen([dust_bin(), "@worker[0-1]", "echo started; sleep 30; echo not-reached"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(p.stdout.readline().split()[1], "started")
        self.assertEqual(p.stdout.readline().split()[1], "started")
        # As a person would: once `sleep` runs. A ^C landing between `echo` and the shell handing the
        # terminal to `sleep` reaches the shell itself, which (like any interactive shell) ignores it.
        time.sleep(1)
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=15)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertIn("interrupt sent to 2 nodes", err)
        self.assertIn("exit 130: worker[0-1]", err)
        self.assertNotIn("not-reached", out)
        self.assertEqual(p.returncode, 130, err)
        # A command that ignores SIGINT keeps running after the first; the second Ctrl-C quits dust.
        p = subprocess.Popen([dust_bin(), "@worker0", "trap '' INT; echo started; sleep 30"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(p.stdout.readline().split()[1], "started")
        time.sleep(1)
        p.send_signal(signal.SIGINT)
        time.sleep(1.0)
        self.assertIsNone(p.poll(), "one Ctrl-C only interrupts")
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=15)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(p.returncode, 130, err)

    def test_raw_mode_keeps_what_is_typed_in_history(self):
        """Line mode keeps no history (as `ssh host cmd`); raw mode is a person's shell: the Up arrow
        recalls what was typed there, never dust's own setup line."""
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker1")
        c.expect(r"rawshell:worker1:\S*\$ ")
        c.send("echo mark-$((40+2))\r")
        c.expect("mark-42\r\n")
        c.expect(r"rawshell:worker1:\S*\$ ")
        c.send("\x1b[A\r")  # Up, Enter
        c.expect("mark-42\r\n")
        c.expect(r"rawshell:worker1:\S*\$ ")
        c.send("\x03\x03\x03")
        c.expect("back in dust")
        c.sendline("exit")

    def test_raw_mode_enter_resize_detach_and_state_kept(self):
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker1")
        c.expect(r"rawshell:worker1:\S*\$ ")
        c.send("cd /tmp\r")
        c.expect(r"rawshell:worker1:/tmp\$ ")
        # The remote pty's output processing is on again in raw mode (line mode turns it off): "\n" → "\r\n".
        c.send("printf 'raw-A\\nraw-B\\n'\r")
        c.expect("raw-A\r\nraw-B\r\n")
        c.setwinsize(33, 101)
        os.kill(c.pid, 28)  # SIGWINCH, as a terminal emulator would send
        time.sleep(0.5)
        c.send("stty size\r")
        c.expect(r"33 101")
        c.send("\x03\x03\x03")
        c.expect("back in dust")
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker1 pwd")
        c.expect(r"\[worker1\] /tmp")
        c.sendline("@worker[0-1]")
        c.expect("raw mode needs exactly one node")
        c.sendline("exit")


if __name__ == "__main__":
    testbed.main()
