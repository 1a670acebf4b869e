"""E2E: the per-node ssh session under stress (issue 10, items 2-5 and 7; issue 16 "attaching to"): no output
lost in one-shot mode, exact flood summaries, command lines longer than the pty's 4,095-byte line, an
unbalanced quote, stopping a runaway command (`intr`, raw attach while busy) and `exit N` ending the shell."""
import os
import re
import subprocess
import tempfile
import time

import testbed
from testbed.harness import dust_bin


def lines_of(out, node):
    return [l[len(node) + 3:] for l in out.splitlines() if l.startswith(f"[{node}] ")]


LONG = r'''
dust.command{
  name = "longline", usage = "longline <target> <bytes>", summary = "runs echo with a very long word",
  target = "required",
  run = function(args)
    local n = tonumber(args.words[1])
    for _, r in ipairs(dust.run(args.target, "echo " .. string.rep("A", n) .. " | wc -c")) do
      print("longline " .. r.node .. " " .. tostring(r.exit) .. " " .. (r.lines[1] or ""))
    end
    return 0
  end,
}
'''


def read_until(child, pattern, timeout):
    """Reads a pty child's output into one string until `pattern` matches its tail region (pexpect's own
    expect re-searches the whole buffer, quadratic for megabytes of flood output)."""
    buf = []
    total = ""
    deadline = time.monotonic() + timeout
    rx = re.compile(pattern)
    while time.monotonic() < deadline:
        try:
            chunk = child.read_nonblocking(1 << 16, timeout=1)
        except Exception as e:  # pexpect.TIMEOUT: keep waiting until the deadline
            if type(e).__name__ != "TIMEOUT":
                raise
            continue
        buf.append(chunk)
        tail = "".join(buf[-4:])
        if rx.search(tail):
            total = "".join(buf)
            m = rx.search(total)
            return total, m
    raise AssertionError(f"no {pattern!r} within {timeout} s; last output: {''.join(buf)[-2000:]!r}")


class SessionHardening(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cmd_dir = os.path.join(cls.sandbox.dust_home, "commands")
        os.makedirs(cmd_dir, exist_ok=True)
        with open(os.path.join(cmd_dir, "longline.lua"), "w") as f:
            f.write(LONG)

    # Item 2: output asked for in one-shot mode is never dropped, never emptied.
    def test_one_shot_million_lines_from_three_nodes_to_a_file_all_there_in_order(self):
        out_path = os.path.join(self.sandbox.dir, "seq.out")
        with open(out_path, "w") as out:
            p = subprocess.run([dust_bin(), "@worker[0-2]", "seq 1 1000000"], env=self.sandbox.env(),
                               stdout=out, stderr=subprocess.PIPE, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("not shown", p.stderr)
        per_node = {"worker0": [], "worker1": [], "worker2": []}
        with open(out_path) as f:
            for line in f:
                node, _, text = line.rstrip("\n").partition("] ")
                per_node[node[1:]].append(text)
        expected = [str(i) for i in range(1, 1000001)]
        for node, got in per_node.items():
            self.assertEqual(len(got), 1000000, f"{node}: {len(got)} lines")
            self.assertTrue(got == expected, f"{node}: lines missing or out of order")

    # Item 2, interactive: a flood may be summarised, but the count is exact and later output intact.
    def test_interactive_flood_summary_count_is_exact_and_later_output_intact(self):
        n = 3000000
        c = self.spawn(timeout=30)
        c.expect(r"dust:\S*\$ ")
        c.sendline(f"@worker0 yes | head -n {n}")
        text, m = read_until(c, r"\[worker0\] (\d+) lines \(\S+ MB\) of output not shown", timeout=240)
        shown = text.count("[worker0] y\r\n")
        self.assertEqual(shown + int(m.group(1)), n, f"shown {shown} + summarised {m.group(1)}")
        self.assertNotRegex(text, r"\[worker0\] \r\n", "an empty line")
        c.sendline("@worker0 echo after-flood")
        c.expect(r"\[worker0\] after-flood\r\n", timeout=30)
        c.sendline("exit")

    # Item 3: command lines longer than the pty's canonical line (4,095 bytes) arrive intact.
    def test_long_command_lines_arrive_intact_in_every_mode(self):
        a10k = "A" * 10000
        r = self.dust("@worker0", f"echo {a10k} | wc -c")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(lines_of(r.out, "worker0"), ["10001"], r.err)
        # 1 MB in one-shot: argv words are at most 128 KiB each (Linux), dust joins them with spaces.
        words = ["A" * 100000] * 10
        r = self.dust("@worker0", "echo", *words, "| wc -c", timeout=120)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(lines_of(r.out, "worker0"), [str(100000 * 10 + 9 + 1)], r.err[-2000:])
        # Script mode: a 1 MB line, then the session still works.
        a1m = "A" * 1000000
        r = self.dust(input=f"@worker[0-1] echo {a1m} | wc -c\n@worker0 echo next\n", timeout=120)
        self.assertEqual(r.rc, 0, r.err[-2000:])
        self.assertEqual(lines_of(r.out, "worker0"), ["1000001", "next"])
        self.assertEqual(lines_of(r.out, "worker1"), ["1000001"])
        # Lua dust.run.
        r = self.dust("longline", "worker1", "1000000", timeout=120)
        self.assertEqual(r.rc, 0, r.err[-2000:])
        self.assertIn("longline worker1 0 1000001", r.out)
        # Line mode (interactive), with a waiting program still reached by the next line.
        c = self.spawn(timeout=30)
        c.expect(r"dust:\S*\$ ")
        c.sendline(f"@worker2 echo {a10k} | wc -c")
        c.expect(r"\[worker2\] 10001\r\n")
        c.sendline("@worker2 read x; echo got=$x")
        time.sleep(0.5)
        c.sendline("@worker2 answer")
        c.expect(r"\[worker2\] got=answer")
        c.sendline("exit")

    # Item 4: an unbalanced quote is reported and cancelled; the session stays usable.
    def test_unbalanced_quote_is_reported_and_the_session_stays_usable(self):
        t0 = time.monotonic()
        r = self.dust("@worker0", "echo 'abc", timeout=30)
        self.assertLess(time.monotonic() - t0, 15)
        self.assertNotEqual(r.rc, 0)
        self.assertIn("[worker0] incomplete command (unbalanced quote?)", r.err)
        r = self.dust(input="@worker[0-1] echo \"abc\n@worker[0-1] hostname\n", timeout=30)
        self.assertIn("incomplete command (unbalanced quote?)", r.err)
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"], r.err)
        self.assertEqual(lines_of(r.out, "worker1"), ["worker1"], r.err)
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker2 echo 'abc")
        c.expect(r"\[worker2\] incomplete command \(unbalanced quote\?\)")
        c.sendline("@worker2 echo still-here")
        c.expect(r"\[worker2\] still-here")
        c.sendline("exit")

    # Item 5: `intr` stops a runaway command from the REPL.
    def test_intr_stops_a_running_command_and_the_node_is_usable(self):
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker0 echo started; sleep 60; echo not-reached")
        c.expect(r"\[worker0\] started")
        time.sleep(1)
        t0 = time.monotonic()
        c.sendline("intr worker0")
        c.expect(r"interrupt sent to 1 node")
        c.sendline("@worker0 echo after-intr")
        c.expect(r"\[worker0\] after-intr")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertNotIn("not-reached", c.before)
        c.sendline("intr worker1")
        c.expect(r"no command running on worker1")
        # The runaway of the issue: a flood that would run for minutes, stopped from the prompt.
        c.sendline("@worker0 yes | head -c 2000000000")
        read_until(c, r"\[worker0\] output faster than can be shown", timeout=60)
        t0 = time.monotonic()
        c.sendline("intr")
        text, m = read_until(c, r"\[worker0\] \d+ lines \(\S+ MB\) of output not shown", timeout=60)
        self.assertIn("interrupt sent to 1 node", text)
        self.assertLess(time.monotonic() - t0, 20)
        c.sendline("@worker0 echo after-runaway")
        c.expect(r"\[worker0\] after-runaway\r\n")
        c.sendline("exit")

    # Item 2: in the interactive shell, a pause inside a line while the node streams (a busy machine)
    # does not split that line in two; a prompt after a quiet time still shows at once (other tests).
    def test_pause_inside_a_line_while_streaming_keeps_it_whole(self):
        c = self.spawn(timeout=60)
        c.expect(r"dust:\S*\$ ")
        # 60,000 lines (350 KB): a stream (over 256 KiB in a second), but short of a flood, which an
        # interactive client summarises once the node outpaces dust for 2 s (200,000 lines did on a
        # loaded CI machine: the half line was counted, not shown).
        c.sendline("@worker1 seq 1 60000; printf 'half-'; sleep 0.5; echo line; echo stream-end")
        text, _ = read_until(c, r"\[worker1\] stream-end", timeout=60)
        self.assertNotIn("output faster than can be shown", text)
        tail = text[-400:]  # the 60,000 lines before it are not worth printing on failure
        self.assertIn("[worker1] half-line", tail)
        self.assertNotRegex(tail, r"\[worker1\] line\r?\n")
        c.sendline("exit")

    # Item 5: a line still waiting for its node's connection is dropped by intr, never sent later.
    def test_intr_drops_a_line_waiting_for_the_connection(self):
        marker = os.path.join(tempfile.gettempdir(), f"dust-intr-pending-{os.getpid()}")
        self.addCleanup(lambda: os.path.exists(marker) and os.remove(marker))
        host = self.sandbox.host("worker2")
        c = self.spawn(timeout=30)
        c.expect(r"dust:\S*\$ ")
        host.pause()  # accepts TCP, never answers: the session stays in its handshake
        self.addCleanup(host.resume)
        c.sendline(f"@worker2 touch {marker}")
        c.expect(r"dust:\S*\$ ")
        time.sleep(0.5)
        c.sendline("intr worker2")
        c.expect(r"interrupt sent to 1 node")
        host.resume()
        c.sendline("@worker2 echo connected-now")
        c.expect(r"\[worker2\] connected-now")
        time.sleep(0.5)
        self.assertFalse(os.path.exists(marker), "the interrupted line was sent once the node answered")
        c.sendline("exit")

    # Item 5: raw mode attaches to a node whose command still runs; coming back leaves a usable session.
    def test_raw_attach_to_a_busy_node_and_back(self):
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        # A command that ignores Ctrl-C, so that it outlives the three that detach.
        c.sendline("@worker1 (trap '' INT; for i in 1 2 3 4 5 6 7 8; do echo tick$i; sleep 1; done)")
        c.expect(r"\[worker1\] tick1")
        c.sendline("@worker1")
        c.expect("attaching to worker1")
        c.expect(r"(?<!\] )tick\d+\r\n")  # the running command's output, straight to the terminal
        c.send("\x03\x03\x03")
        c.expect("back in dust")
        # Line mode again: the command's output is [node] lines, and its end is noticed.
        c.expect(r"\[worker1\] tick8", timeout=15)
        time.sleep(2)  # the loop's last `sleep 1`
        c.sendline("intr worker1")
        c.expect(r"no command running on worker1")
        c.sendline("@worker1 echo after-raw")
        c.expect(r"\[worker1\] after-raw")
        # The command ends while attached: the shell itself then takes the terminal.
        c.sendline("@worker1 sleep 2; echo done-sleeping")
        c.sendline("@worker1")
        c.expect("attaching to worker1")
        c.expect(r"(?<!\] )done-sleeping\r\n")
        c.expect(r"rawshell:worker1:\S*\$ ")
        c.send("echo raw-$((6*7))\r")
        c.expect("raw-42")
        c.send("\x03\x03\x03")
        c.expect("back in dust")
        c.sendline("@worker1 echo line-mode")
        c.expect(r"\[worker1\] line-mode")
        c.sendline("exit")

    # Issue 16: "attaching to …" only once attaching is possible.
    def test_attaching_is_not_announced_before_a_refusal(self):
        r = self.dust("@worker0")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("raw mode needs a terminal", r.err)
        self.assertNotIn("attaching", r.err)

    # Item 7: `exit N` ends the shell: its status is reported and one-shot exits with it.
    def test_exit_ending_the_shell_reports_its_status(self):
        r = self.dust("@worker[0-2]", "exit 3")
        self.assertEqual(r.rc, 3, r.out + r.err)
        self.assertIn("exit 3: worker[0-2]", r.err)
        # Three nodes alike: one folded line (PRODUCT.md §7), not one per node.
        self.assertIn("the shell exited with status 3: session ended: worker[0-2]", r.err)
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker1 exit 4")
        c.expect(r"\[worker1\] the shell exited with status 4: session ended")
        c.sendline("@worker1 echo reconnected")
        c.expect(r"\[worker1\] reconnected")
        c.sendline("exit")


if __name__ == "__main__":
    testbed.main()
