"""E2E: gathered output `@@` (identical nodes print once, groups by output and exit status, diffs against
the largest group), `output gather|live` and config.yaml's `output:`, Ctrl-C while gathering, and `--json`
JSON lines for @, @@, put and get — through the real dust binary against real sshd hosts (issue 11 §3, §5)."""
import json
import os
import re
import signal
import subprocess
import time

import testbed

# master, worker0 and worker2 print 1..20; worker1 prints "ten" for 10; master exits 1.
TWENTY = ('seq 1 20 | if [ "$(hostname)" = worker1 ]; then sed "s/^10$/ten/"; else cat; fi; '
          'test "$(hostname)" != master')


def records(out):
    """Every stdout line must be one JSON object (json.loads raises otherwise)."""
    return [json.loads(l) for l in out.splitlines()]


class Gather(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2

    def write_config(self, text):
        os.makedirs(self.sandbox.dust_home, exist_ok=True)
        path = os.path.join(self.sandbox.dust_home, "config.yaml")
        with open(path, "w") as f:
            f.write(text)
        self.addCleanup(os.remove, path)

    def test_identical_output_prints_once_under_one_header(self):
        r = self.dust("@@worker[0-2]", "echo same; echo two")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "---- worker[0-2] (3) exit 0 ----\nsame\ntwo\n")

    def test_groups_by_output_and_status_largest_first_with_diff(self):
        r = self.dust("@@master,worker[0-2]", TWENTY)
        self.assertEqual(r.rc, 1, r.out + r.err)  # exit status and failed list as for @
        self.assertIn("exit 1: master   (3 ok)", r.err)
        lines = r.out.splitlines()
        self.assertEqual(lines[0], "---- worker[0,2] (2) exit 0 ----")
        self.assertEqual(lines[1:21], [str(i) for i in range(1, 21)])
        self.assertEqual(lines[21], "---- master (1) exit 1, same output as worker[0,2] ----")
        self.assertEqual(lines[22], "---- worker1 (1) exit 0, diff against worker[0,2] ----")
        self.assertEqual(lines[23:], ["@@ -9,3 +9,3 @@", " 9", "-10", "+ten", " 11"])
        # output.diff: false prints every group in full.
        self.write_config("output:\n  diff: false\n")
        r = self.dust("@@master,worker[0-2]", TWENTY)
        lines = r.out.splitlines()
        i = lines.index("---- worker1 (1) exit 0 ----")
        self.assertEqual(lines[i + 1:i + 21], [str(n) if n != 10 else "ten" for n in range(1, 21)])

    def test_unreachable_node_is_its_own_error_group(self):
        r = self.dust("@@worker0,web", "echo hi")
        self.assertEqual(r.rc, 255, r.out + r.err)
        self.assertIn("---- worker0 (1) exit 0 ----\nhi\n", r.out)
        self.assertRegex(r.out, r"---- web\(i-[0-9a-f]+\) \(1\) error: .+ ----\n")

    def test_flood_is_bounded_and_says_what_was_dropped(self):
        # 6.9 MB of output from one node: gathered, only what fits in 4 MiB (text plus per-line overhead) is kept.
        r = self.dust("@@worker0", "seq 1 1000000", timeout=120)
        self.assertEqual(r.rc, 0, r.err)
        lines = r.out.splitlines()
        self.assertEqual(lines[0], "---- worker0 (1) exit 0 ----")
        m = re.fullmatch(r"\(first (\d+) lines \((\d+) bytes\) dropped: over the per-node memory limit\)", lines[1])
        self.assertTrue(m, lines[1])
        dropped = int(m.group(1))
        self.assertEqual(lines[2], str(dropped + 1))  # the tail, contiguous, nothing split
        self.assertEqual(lines[-1], "1000000")
        self.assertEqual(len(lines) - 2, 1000000 - dropped)
        self.assertLessEqual(len(r.out), (4 << 20) + 200)

    def test_output_command_and_config_flip_the_default_in_script_mode(self):
        script = "output gather\n@worker[0-1] echo hi\n@@worker[0-1] echo live\noutput live\n@worker0 echo x\n"
        r = self.dust(input=script)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("---- worker[0-1] (2) exit 0 ----\nhi\n", r.out)
        self.assertIn("[worker0] live\n", r.out)
        self.assertIn("[worker1] live\n", r.out)
        self.assertIn("[worker0] x\n", r.out)
        self.write_config("output: gather\n")
        r = self.dust("@worker[0-1]", "echo cfg")
        self.assertEqual(r.out, "---- worker[0-1] (2) exit 0 ----\ncfg\n")
        r = self.dust("output")
        self.assertEqual(r.out, "output gather (@ gathers, @@ streams), diff on\n")
        r = self.dust("output", "sideways")
        self.assertEqual(r.rc, 2)
        self.assertIn("unknown setting 'sideways'", r.err)

    def test_gathered_command_is_the_last_command_for_failed_and_ok(self):
        # `@@` reports like `@`: a folded summary on stderr, and its nodes become :failed / :ok.
        fail_one = "@@worker[0-2] test $(hostname) != worker1\n"
        r = self.dust(input=fail_one + "@:failed echo again-$(hostname)\n")
        self.assertIn("exit 1: worker1   (2 ok)", r.err)
        self.assertIn("[worker1] again-worker1", r.out)
        self.assertNotIn("again-worker0", r.out)
        r = self.dust(input=fail_one + "@@:ok echo fine\n")
        self.assertIn("---- worker[0,2] (2) exit 0 ----\nfine\n", r.out)

    def test_bad_output_setting_in_config_is_named(self):
        self.write_config("output: sideways\n")
        r = self.dust("@@worker0", "echo x")
        self.assertEqual(r.rc, 2)
        self.assertIn("config.yaml:1: output mode 'sideways': use gather or live", r.err)
        self.assertEqual(r.out, "")

    def test_interactive_gather_then_ctrl_c_leaves_the_slow_node_running(self):
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@@worker[0-2] echo hello")
        c.expect(r"---- worker\[0-2\] \(3\) exit 0 ----\r\nhello\r\n")
        c.expect(r"dust:\S*\$ ")
        c.send("@@mast\t")  # the node name completes after @@ as after @
        c.expect("@@master ")
        c.sendline("echo done")
        c.expect(r"---- master \(1\) exit 0 ----\r\ndone\r\n")
        c.expect(r"dust:\S*\$ ")
        mark = f"/tmp/gather-pty-{os.getpid()}"  # /tmp is shared with the hosts
        self.addCleanup(lambda: [os.remove(m) for m in (mark + "-worker0", mark + "-worker1") if os.path.exists(m)])
        c.sendline(f'@@worker[0-1] touch {mark}-$(hostname); if [ "$(hostname)" = worker1 ]; then sleep 4; '
                   'echo late; else echo quick; fi')
        deadline = time.monotonic() + 30
        while not all(os.path.exists(f"{mark}-{w}") for w in ("worker0", "worker1")) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # worker0's command has ended, worker1 sleeps
        c.sendintr()
        c.expect(r"---- worker0 \(1\) exit 0 ----\r\nquick\r\n")
        c.expect(r"---- worker1 \(1\) still running ----")
        c.expect(r"interrupted: still running on 1 node: worker1 \(left running")
        c.expect(r"dust:\S*\$ ")
        # Its command went on: its later output streams as background output.
        c.expect(r"\[worker1\] late", timeout=10)
        c.sendline("exit")

    def test_one_shot_ctrl_c_prints_what_was_gathered_and_exits_130(self):
        from testbed.harness import dust_bin
        mark = f"/tmp/gather-ctrl-c-{os.getpid()}"  # /tmp is shared with the hosts
        self.addCleanup(lambda: os.path.exists(mark) and os.remove(mark))
        p = subprocess.Popen([dust_bin(), "@@worker[0-1]",
                              f'if [ "$(hostname)" = worker1 ]; then echo started; touch {mark}; sleep 8; fi; echo end'],
                             env=self.sandbox.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not os.path.exists(mark) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # worker0's quick command has ended by now too
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 130, out + err)
        self.assertIn("---- worker0 (1) exit 0 ----\nend\n", out)
        self.assertIn("---- worker1 (1) still running ----\nstarted\n", out)
        self.assertIn("interrupted: still running on 1 node: worker1", err)

    def test_json_lines_for_at_one_shot_with_control_and_invalid_utf8_bytes(self):
        cmd = r"""printf 'a\001b\377c"q"\\\n'; echo second; test "$(hostname)" = worker0"""
        r = self.dust("--json", "@worker[0-1],web", cmd)
        self.assertEqual(r.rc, 255, r.out + r.err)
        recs = records(r.out)
        by = lambda n: [x for x in recs if x.get("node") == n]
        w0 = by("worker0")
        self.assertEqual([x["line"] for x in w0 if "line" in x], ['a\\x01b\\xffc"q"\\', "second"])
        self.assertEqual(w0[-1], {"node": "worker0", "exit": 0})
        self.assertEqual(by("worker1")[-1], {"node": "worker1", "exit": 1})
        web = [x for x in recs if x.get("node", "").startswith("web(")]
        self.assertEqual(len(web), 1)
        self.assertIn("error", web[0])
        self.assertEqual(recs[-1]["summary"]["ok"], 1)
        self.assertEqual(recs[-1]["summary"]["failed"], 2)
        self.assertEqual(sorted(recs[-1]["summary"]["failed_nodes"])[1], "worker1")
        self.assertIn("not running: web(i-", r.err)  # the rest goes to stderr, never stdout

    def test_json_lines_for_gathered_at_are_contiguous_per_node_in_script_mode(self):
        r = self.dust("--json", input='@@worker[0-2] for i in 1 2 3; do echo "$i $(hostname)"; sleep 0.2; done\n')
        self.assertEqual(r.rc, 0, r.err)
        recs = records(r.out)
        nodes = [x["node"] for x in recs[:-1]]
        # Each node's three lines and its exit record come together (no interleaving).
        for n in ("worker0", "worker1", "worker2"):
            idx = [i for i, m in enumerate(nodes) if m == n]
            self.assertEqual(idx, list(range(idx[0], idx[0] + 4)), nodes)
            self.assertEqual([recs[i].get("line") for i in idx[:3]], [f"{k} {n}" for k in (1, 2, 3)])
            self.assertEqual(recs[idx[3]], {"node": n, "exit": 0})
        self.assertEqual(recs[-1], {"summary": {"ok": 3, "failed": 0, "failed_nodes": []}})

    def test_json_lines_for_put_and_get(self):
        src = os.path.join(self.sandbox.home, "payload.txt")
        with open(src, "w") as f:
            f.write("payload\n")
        r = self.dust("--json", "put", "worker[0-1]", src, "/tmp")
        self.assertEqual(r.rc, 0, r.err)
        recs = records(r.out)
        self.assertEqual(sorted(x["node"] for x in recs if "exit" in x), ["worker0", "worker1"])
        done = [x for x in recs if "op" in x]
        self.assertEqual(len(done), 2)  # what each node's transfer did, as data
        for x in done:
            self.assertEqual((x["op"], x["source"], x["destination"], x["files"], x["bytes"]),
                             ("put", src, "/tmp/payload.txt", 1, 8))
            self.assertIsInstance(x["seconds"], float)
        self.assertFalse([x for x in recs if "line" in x])
        self.assertEqual(recs[-1], {"summary": {"ok": 2, "failed": 0, "failed_nodes": []}})
        dest = os.path.join(self.sandbox.home, "got")
        os.makedirs(dest, exist_ok=True)
        r = self.dust("--json", "get", "worker0", "/nonexistent-file", dest)
        self.assertNotEqual(r.rc, 0)
        recs = records(r.out)
        self.assertEqual(len([x for x in recs if x.get("node") == "worker0" and "error" in x]), 1)
        self.assertEqual(recs[-1], {"summary": {"ok": 0, "failed": 1, "failed_nodes": ["worker0"]}})


if __name__ == "__main__":
    testbed.main()
