"""E2E: what a person sees of results (issue 11 §1 §2 §4) — the interactive exit summary line, the
`:failed`/`:ok` targets (with `show :failed`'s reason column), folded host-key and connection notices
and `hostkeys`; interactive through a pty, one-shot and script mode."""
import base64
import hashlib
import os
import re
import tempfile

import testbed

PROMPT = r"dust:\S*\$ "
NODES = "master,worker[0-2]"
# master exits 2, worker0 and worker1 exit 1, worker2 succeeds.
MIXED = 'case $(hostname) in worker[01]) false;; master) (exit 2);; esac'


def lines_of(out, node):
    return [l[len(node) + 3:] for l in out.splitlines() if l.startswith(f"[{node}] ")]


def fingerprint(pub_line):
    """SHA256 fingerprint of an OpenSSH public key line, as ssh-keygen -l prints it."""
    blob = base64.b64decode(pub_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


class Results(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2

    def test_first_contact_folds_host_keys_into_one_line_and_hostkeys_lists_them(self):
        if os.path.exists(self.sandbox.known_hosts):
            os.remove(self.sandbox.known_hosts)
        r = self.dust(f"@{NODES}", "true")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("recorded new host keys for 4 nodes: master,worker[0-2]", r.err)
        self.assertNotIn("] recorded new host key", r.err)  # never one line per node
        self.assertEqual(len([l for l in r.err.splitlines() if "host key" in l]), 1, r.err)
        r = self.dust("hostkeys", "worker[0-1]")
        self.assertEqual(r.rc, 0, r.err)
        for name in ("worker0", "worker1"):
            h = self.sandbox.host(name)
            row = [l.split() for l in r.out.splitlines() if l.startswith(name + " ")]
            self.assertEqual(row, [[name, h.ip, "ssh-ed25519", fingerprint(h.host_key)]], r.out)
        self.assertNotIn("master", r.out)
        # Known keys now: nothing is recorded, nothing printed.
        r = self.dust(f"@{NODES}", "true")
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn("host key", r.err)

    def test_connection_failures_fold_by_reason_and_one_shot_summary(self):
        down = [self.sandbox.host("worker1"), self.sandbox.host("worker2")]
        for h in down:
            h.kill_listener()
        try:
            r = self.dust(f"@{NODES}", "hostname")
        finally:
            for h in down:
                h.restart()
        self.assertEqual(lines_of(r.out, "master"), ["master"], r.out + r.err)
        self.assertEqual(r.rc, 255, r.err)
        self.assertIn("cannot connect (Connection refused): worker[1-2]\n", r.err)
        self.assertNotIn("[worker1]", r.err)
        self.assertNotIn("[worker2]", r.err)
        # The summary: the same folded wording as the interactive shell.
        self.assertIn("cannot connect (Connection refused): worker[1-2]   (2 ok)\n", r.err)

    def test_one_shot_summary_is_folded_by_exit_status(self):
        r = self.dust(f"@{NODES}", MIXED)
        self.assertEqual(r.rc, 1, r.err)  # the statuses differ
        self.assertIn("exit 1: worker[0-1]   exit 2: master   (1 ok)\n", r.err)
        r = self.dust("@worker[0-2]", "true")
        self.assertEqual((r.rc, r.err), (0, ""))
        # Before any command of this process, :failed names nothing: an error, nothing runs.
        r = self.dust("@:failed", "echo ran")
        self.assertEqual(r.rc, 1)
        self.assertIn("none has run yet", r.err)
        self.assertNotIn("ran", r.out)

    def test_script_mode_keeps_node_and_local_output_in_line_order(self):
        # A local command writes to stdout itself: node lines still queued in dust went after it when
        # stdout was a pipe (found by a hostile review: up to 103 of 375 lines out of place).
        lines, expected = [], []
        for i in range(40):
            node = f"worker{i % 3}"
            lines += [f"@{node} echo line{i}", f"!echo loc{i}"]
            expected += [f"[{node}] line{i}", f"loc{i}"]
        r = self.dust(input="\n".join(lines) + "\n")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out.splitlines(), expected)

    def test_script_mode_retargets_failed_and_ok_and_show_names_why(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("payload\n")
        self.addCleanup(os.remove, f.name)
        script = "\n".join([
            f"@{NODES} {MIXED}",
            "show :failed",
            "@:failed,!worker0 echo again-$(hostname)",
            "@:ok hostname",
            f"@worker[0-2] test $(hostname) != worker2",
            f"put :failed {f.name} /tmp/",
            "@:failed true",
            "show :ok",
            "",
        ])
        r = self.dust(input=script)
        out, err = r.out, r.err
        # show :failed: the failed nodes only, with why.
        table = [l.split() for l in out.splitlines() if l.split()[:1] and l.split()[0] in
                 ("Name", "master", "worker0", "worker1", "worker2") and len(l.split()) >= 4]
        self.assertEqual(table[0][-1], "Last_result", out)
        rows = {t[0]: " ".join(t[-2:]) for t in table[1:4]}
        self.assertEqual(rows, {"master": "exit 2", "worker0": "exit 1", "worker1": "exit 1"}, out)
        # :failed,!worker0 → master and worker1.
        self.assertEqual(lines_of(out, "master")[:1] + lines_of(out, "worker1")[:1],
                         ["again-master", "again-worker1"], out)
        self.assertNotIn("again-worker0", out)
        self.assertNotIn("again-worker2", out)
        # That command succeeded everywhere, so :ok is master and worker1.
        self.assertIn("[master] master", out)
        self.assertIn("[worker1] worker1", out)
        self.assertNotIn("[worker0] worker0", out)
        # put :failed: only worker2 failed the test before it.
        self.assertRegex(out, r"\[worker2\] put \S+ → /tmp/\S+\.txt")
        self.assertNotRegex(out, r"\[worker[01]\] put")
        # The put succeeded: no node failed.
        self.assertIn("error: no node failed in the last command", err)
        # show :ok after put: worker2, reason column "ok".
        last = [l.split() for l in out.splitlines() if l.startswith("worker2 ")][-1]
        self.assertEqual(last[-1], "ok", out)

    def test_interactive_summary_line_when_a_job_ends(self):
        c = self.spawn(timeout=20)
        c.expect(PROMPT)
        c.sendline(f"@{NODES} {MIXED}")
        c.expect(r"exit 1: worker\[0-1\]   exit 2: master   \(1 ok\)")
        # Quiet when everything succeeded.
        c.sendline("@worker[0-2] true")
        c.sendline("@worker2 echo marker-1")
        c.expect(r"\[worker2\] marker-1")
        self.assertNotIn("ok)", c.before)
        # Re-target: the last command (echo on worker2) succeeded; :ok is worker2.
        c.sendline("@:ok echo again")
        c.expect(r"\[worker2\] again")
        c.sendline("@:failed echo never")
        c.expect("no node failed in the last command")
        # Several jobs in flight: each prints its own line when it ends (worker1's first).
        c.sendline("@worker0 sleep 2; false")
        c.sendline("@worker1 (exit 3)")
        c.expect(r"exit 3: worker1\r?\n")
        c.expect(r"exit 1: worker0\r?\n", timeout=10)
        self.assertNotIn("worker1", c.before)
        # A line that becomes input to a running program: that node ends when its prompt returns.
        c.sendline('@worker2 read v; test "$v" = yes')
        c.sendline("@worker2 no")
        c.expect(r"exit 1: worker2\r?\n")
        c.sendline("show :failed")
        c.expect(r"Last_result")
        c.expect(r"worker2 [^\n]*exit 1")
        c.expect(PROMPT)
        # Tab completes the sets: "@:f" → "@:failed ".
        c.send("@:f\t")
        c.expect_exact(":failed ")
        c.sendline("echo completed")
        c.expect(r"\[worker2\] completed")

    def test_interactive_connection_failure_is_folded_and_summarised(self):
        h = self.sandbox.host("worker0")
        h.kill_listener()
        try:
            c = self.spawn(timeout=20)
            c.expect(PROMPT)
            c.sendline("@worker[0-1] hostname")
            # One node: its own line, in full; then the summary.
            c.expect(r"\[worker0\] error: cannot connect to \S+: [^\n]*refused")
            c.expect(r"cannot connect \(Connection refused\): worker0   \(1 ok\)")
        finally:
            h.restart()
        c.sendline("@:failed,worker2 echo retry-$(hostname)")
        c.expect(r"\[worker([02])\] retry-worker\1")
        first = c.match.group(1)
        c.expect(r"\[worker([02])\] retry-worker\1")
        self.assertEqual({first, c.match.group(1)}, {"0", "2"})


class AtScale(testbed.SandboxTestCase):
    """200 running instances whose addresses have no route: 200 connection failures, one line each kind."""
    HOSTS = 2  # master, worker0
    BULK = 200

    def test_two_hundred_unreachable_nodes_print_one_error_line_and_one_summary(self):
        r = self.dust("@bulk*,worker0", "echo alive", timeout=60)
        self.assertEqual(r.rc, 255, r.err[-2000:])
        self.assertEqual(lines_of(r.out, "worker0"), ["alive"], r.out)
        errors = [l for l in r.err.splitlines() if "bulk" in l]
        # The folded notice and the summary: two lines for 200 nodes, none of them per node.
        self.assertEqual(len(errors), 2, r.err[-2000:])
        self.assertRegex(errors[0], r"^cannot connect \([^)]+\): bulk\[0000-0199\]$")
        self.assertRegex(errors[1], r"^cannot connect \([^)]+\): bulk\[0000-0199\]   \(1 ok\)$")

    def test_interactive_retargets_the_failed_two_hundred(self):
        c = self.spawn(timeout=60)
        c.expect(PROMPT)
        c.sendline("@bulk*,worker0 true")
        c.expect(r"cannot connect \([^)\n]+\): bulk\[0000-0199\]   \(1 ok\)")
        c.sendline("show :failed,!bulk01*")
        c.expect(r"bulk0000 [^\n]*cannot connect")
        c.expect(PROMPT)
        self.assertNotIn("bulk0100", c.before)
        self.assertNotIn("worker0", c.before)
        self.assertEqual(len(re.findall(r"bulk\d{4} ", c.before)), 100 - 1, c.before[-500:])


if __name__ == "__main__":
    testbed.main()
