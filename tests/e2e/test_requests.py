"""E2E: every request is served for the client that sent it (issue 19, docs/server.md). Each behaviour runs
twice — with no dust server and through one started with another environment than the client's — and must
give the same result both ways: AWS region and credentials, local commands and their environment, questions
on the terminal (never stdout), every output line kept, one-word one-shots, raw mode ended with its client."""
import os
import re
import signal
import subprocess
import tempfile
import time

import pexpect

import testbed

PROMPT = r"dust:\S+\$ "


class Requests(testbed.SandboxTestCase):
    HOSTS = 2  # master, worker0

    def tearDown(self):
        self.sandbox.stop_dust_server()

    def start_server(self):
        """A server whose own environment is the sandbox's default one (us-east-1, the good key, FOO unset)."""
        r = self.dust("start-server")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIsNotNone(self.sandbox.dust_server_pid())

    def both_ways(self, check):
        """check(label) without a server, then through one; a server that ran it is still one server."""
        self.sandbox.stop_dust_server()
        with self.subTest(server=False):
            check("without a server")
            self.assertIsNone(self.sandbox.dust_server_pid(), "a one-shot starts no server")
        self.start_server()
        pid = self.sandbox.dust_server_pid()
        with self.subTest(server=True):
            check("through a server")
        self.assertEqual(self.sandbox.dust_server_pid(), pid, "served, not restarted")

    # -- the client's environment -----------------------------------------------------------------
    def test_region_comes_from_the_client(self):
        def check(how):
            r = self.dust("show", AWS_REGION="us-west-2")
            self.assertNotIn("worker0", r.out, f"{how}: us-west-2 has no worker0 ({r.out!r})")
            r = self.dust("show")
            self.assertIn("worker0", r.out, f"{how}: {r.err}")
        self.both_ways(check)

    def test_a_wrong_secret_is_refused_by_aws(self):
        def check(how):
            r = self.dust("show", AWS_SECRET_ACCESS_KEY="not-the-secret")
            self.assertNotEqual(r.rc, 0, f"{how}: {r.out}")
            self.assertNotIn("worker0", r.out, how)
            self.assertRegex(r.err, r"AuthFailure|SignatureDoesNotMatch|signature", how)
        self.both_ways(check)

    def test_tag_acts_in_the_clients_region(self):
        def check(how):
            r = self.dust("tag", "worker0", "k=v", AWS_REGION="us-west-2")
            self.assertNotEqual(r.rc, 0, f"{how}: worker0 is not in us-west-2: {r.out}{r.err}")
        self.both_ways(check)

    def test_local_command_sees_the_clients_environment_and_directory(self):
        with tempfile.TemporaryDirectory() as d:
            def check(how):
                p = subprocess.run([testbed.harness.dust_bin(), "!echo $FOO $(pwd)"], cwd=d,
                                   env=self.sandbox.env(FOO="bar"), capture_output=True, text=True, timeout=30)
                self.assertEqual((p.returncode, p.stdout), (0, f"bar {d}\n"), f"{how}: {p.stderr}")
            self.both_ways(check)

    # -- one-word one-shots -----------------------------------------------------------------------
    def test_one_argument_is_the_line_as_typed_at_the_prompt(self):
        def check(how):
            r = self.dust("echo local-$((1+1))")
            self.assertEqual((r.rc, r.out), (0, "local-2\n"), f"{how}: {r.err}")
            r = self.dust("help show")
            self.assertEqual(r.rc, 0, f"{how}: {r.err}")
            self.assertIn("show", r.out)
            self.assertNotIn("unknown command", r.out + r.err)
            r = self.dust(" ")
            self.assertEqual((r.rc, r.out, r.err), (0, "", ""), how)
            r = self.dust("show worker0")
            self.assertEqual(r.rc, 0, f"{how}: {r.err}")
            self.assertIn("worker0", r.out)
        self.both_ways(check)

    # -- a one-shot's stdin ------------------------------------------------------------------------
    def test_stdin_goes_to_every_node_then_end_of_file(self):
        def check(how):
            r = self.dust("@master,worker0", "cat", input="hi\n")
            self.assertEqual(r.rc, 0, f"{how}: {r.err}")
            self.assertEqual(sorted(r.out.splitlines()), ["[master] hi", "[worker0] hi"], how)
            r = self.dust("@worker0", "cat; echo after-eof", input="")  # stdin at EOF: EOF at once
            self.assertEqual((r.rc, r.out), (0, "[worker0] after-eof\n"), f"{how}: {r.err}")
            data = bytes(range(256)) * 64
            p = subprocess.run([testbed.harness.dust_bin(), "@worker0", "md5sum"], input=data,
                               capture_output=True, env=self.sandbox.env(), timeout=60, start_new_session=True)
            import hashlib
            self.assertIn(hashlib.md5(data).hexdigest().encode(), p.stdout, f"{how}: {p.stderr!r}")
            r = self.dust("--nostdin", "@worker0", "echo no-stdin-taken", input="ignored\n")
            self.assertEqual(r.out, "[worker0] no-stdin-taken\n", how)
            # --nostdin: end of file, as `ssh -n` (before, `cat` waited on the pty for ever).
            r = self.dust("--nostdin", "@worker0", "cat; echo eof-read", input="ignored\n", timeout=20)
            self.assertEqual((r.rc, r.out), (0, "[worker0] eof-read\n"), f"{how}: {r.err}")
            r = self.dust("@worker0", "pwd")  # the shell is whole afterwards: nothing left in its input
            self.assertEqual(r.rc, 0, how)
        self.both_ways(check)

    def test_a_scripts_commands_read_end_of_file(self):
        # A script's stdin is the script: a node command that reads gets end of file at once (`ssh -n`),
        # the script's next lines stay dust's. Before, `cat` waited on the pty for ever.
        def check(how):
            script = "@worker0 cat; echo eof-read\n@worker0 read x || echo read-nothing\n@worker0 pwd\n"
            r = self.dust(input=script, timeout=20)
            self.assertEqual(r.rc, 0, f"{how}: {r.err}")
            lines = r.out.splitlines()
            self.assertEqual(lines[:2], ["[worker0] eof-read", "[worker0] read-nothing"], how)
            self.assertRegex(lines[2], r"^\[worker0\] /", how)
        self.both_ways(check)

    def test_ctrl_c_in_a_scripts_local_command_stops_the_script(self):
        # No terminal, no job control: Ctrl-C reaches dust and the command alike. The script ends with
        # 130 and runs nothing more; through a server the client forgot it and went on.
        def check(how):
            p = subprocess.Popen([testbed.harness.dust_bin()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=self.sandbox.env(), start_new_session=True)
            p.stdin.write(b"!sleep 5\n!echo after\n")
            p.stdin.close()
            p.stdin = None  # communicate() below: nothing more to send
            time.sleep(1.5)
            os.killpg(p.pid, signal.SIGINT)
            out, err = p.communicate(timeout=20)
            self.assertEqual((p.returncode, out), (130, b""), f"{how}: {err!r}")
        self.both_ways(check)

    def test_large_stdin_reaches_every_node_whole_and_leaves_no_file(self):
        """Past the here-document's 64 KiB, stdin goes first to a temporary file on each node (an exec
        channel, as put): 8 MiB (the most a one-shot takes) arrive whole on two nodes, the command runs
        in the persistent shell (its `cd` still counts), its status is the command's, and no file is
        left in the node's temp dir. Before, bash read the here-document quadratically: 2 MB never ended."""
        import hashlib
        tmp = subprocess.run(["sh", "-c", "echo ${TMPDIR:-/tmp}"], capture_output=True, text=True).stdout.strip()
        def stdin_files():
            return {f for f in os.listdir(tmp) if f.startswith(("tmp.", "dust-stdin-"))}

        def check(how):
            data = os.urandom(8 << 20)
            before = stdin_files()
            p = subprocess.run([testbed.harness.dust_bin(), "@master,worker0", "cd /etc; md5sum; pwd; (exit 3)"], input=data,
                               capture_output=True, env=self.sandbox.env(), timeout=120, start_new_session=True)
            out = p.stdout.decode()
            digest = hashlib.md5(data).hexdigest()
            for node in ("master", "worker0"):
                self.assertIn(f"[{node}] {digest}  -\n", out, f"{how}: {p.stderr!r}")
                self.assertIn(f"[{node}] /etc\n", out, how)
            self.assertEqual(p.returncode, 3, f"{how}: {p.stderr!r}")
            self.assertEqual(stdin_files() - before, set(), f"{how}: a stdin file was left behind")
            # The shell is whole afterwards; through the server it is the same shell (cd counted).
            r = self.dust("@worker0", "pwd")
            served = self.sandbox.dust_server_pid() is not None
            self.assertEqual((r.rc, r.out), (0, f"[worker0] {'/etc' if served else '/root'}\n"), how)
            # Nothing is left either by a command that does not parse (the file exists before the line
            # is read: it runs through eval) or that leaves the shell (the here-document's file too).
            for size, cmd in ((120_000, "echo )"), (120_000, "wc -l; }"), (100, "wc -l; exit 3"),
                              (120_000, "wc -l; exit 3")):
                p = subprocess.run([testbed.harness.dust_bin(), "@worker0", cmd], input=b"x" * size,
                                   capture_output=True, env=self.sandbox.env(), timeout=60)
                self.assertNotEqual(p.returncode, 0, f"{how} {cmd!r}: {p.stdout!r}")
                self.assertEqual(stdin_files() - before, set(), f"{how} {cmd!r}: a stdin file was left")
        self.both_ways(check)

    def test_large_stdin_a_node_it_cannot_reach_ends_as_any_unreachable_node(self):
        """worker1 has no host: past 64 KiB its stdin cannot be delivered, and it is reported exactly as
        a node the command could not reach (the folded `cannot connect` line, a JSON error record and
        the summary's failed_nodes, exit 255), while worker0 runs the command."""
        import hashlib
        import json
        data = os.urandom(100_000)
        digest = hashlib.md5(data).hexdigest()

        def check(how):
            p = subprocess.run([testbed.harness.dust_bin(), "@worker[0-1]", "md5sum"], input=data,
                               capture_output=True, env=self.sandbox.env(), timeout=120)
            self.assertEqual(p.stdout.decode(), f"[worker0] {digest}  -\n", how)
            self.assertEqual(p.returncode, 255, f"{how}: {p.stderr!r}")
            self.assertRegex(p.stderr.decode(), r"cannot connect \(No route to host\): worker1\s+\(1 ok\)", how)
            p = subprocess.run([testbed.harness.dust_bin(), "--json", "@worker[0-1]", "md5sum"], input=data,
                               capture_output=True, env=self.sandbox.env(), timeout=120)
            recs = [json.loads(l) for l in p.stdout.decode().splitlines()]
            self.assertIn({"node": "worker0", "line": f"{digest}  -"}, recs, how)
            w1 = [r for r in recs if r.get("node") == "worker1"]
            self.assertEqual(len(w1), 1, f"{how}: {recs}")
            self.assertIn("No route to host", w1[0].get("error", ""), how)
            self.assertEqual(recs[-1], {"summary": {"ok": 1, "failed": 1, "failed_nodes": ["worker1"]}}, how)
            self.assertEqual(p.returncode, 255, how)
        self.both_ways(check)

    # -- output -----------------------------------------------------------------------------------
    def test_a_flood_to_a_file_keeps_every_line(self):
        def check(how):
            with tempfile.TemporaryFile() as f:
                p = subprocess.run([testbed.harness.dust_bin(), "@worker0", "seq 3000000"], stdout=f,
                                   stderr=subprocess.PIPE, env=self.sandbox.env(), timeout=300)
                self.assertEqual(p.returncode, 0, f"{how}: {p.stderr[-500:]!r}")
                f.seek(0)
                n = 0
                last = b""
                for line in f:
                    n += 1
                    last = line
                self.assertEqual(n, 3000000, how)
                self.assertEqual(last, b"[worker0] 3000000\n", how)
        self.both_ways(check)

    def test_output_lost_to_a_full_disk_is_an_error(self):
        """Output that cannot be written (here /dev/full: ENOSPC) is said on stderr and the exit status
        is not 0: before, `dust @n cmd > file` on a full disk ended in silent success."""
        def check(how):
            for args, script in ((["@worker0", "echo hi"], None), ([], "@worker0 echo hi\n")):
                with open("/dev/full", "w") as full:
                    p = subprocess.run([testbed.harness.dust_bin(), *args], input=script, stdout=full,
                                       stderr=subprocess.PIPE, text=True, env=self.sandbox.env(), timeout=60)
                self.assertEqual(p.returncode, 1, f"{how} {args}: {p.stderr}")
                self.assertIn("dust: cannot write to stdout: No space left on device", p.stderr, how)
            with open("/dev/full", "w") as full:  # a failing command keeps its own status
                p = subprocess.run([testbed.harness.dust_bin(), "@worker0", "echo hi; exit 4"], stdout=full,
                                   stderr=subprocess.PIPE, text=True, env=self.sandbox.env(), timeout=60)
            self.assertEqual(p.returncode, 4, f"{how}: {p.stderr}")
        self.both_ways(check)

    # -- questions --------------------------------------------------------------------------------
    def test_a_question_with_stdout_redirected_is_asked_on_the_terminal(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "out.txt")

            def check(how):
                env = self.sandbox.env()
                child = pexpect.spawn("/bin/sh", ["-c", f"{testbed.harness.dust_bin()} terminate worker2 > {out}"],
                                      env=env, encoding="utf-8", timeout=30)
                child.expect(r"Continue \[y/N\] ")
                child.sendline("n")
                child.expect(pexpect.EOF)
                child.close()
                with open(out) as f:
                    text = f.read()
                self.assertNotIn("[y/N]", text, f"{how}: the question went to stdout")
                self.assertIn("cancelled", text + child.before, how)
                r = self.dust("show", "worker2")
                self.assertIn("running", r.out, f"{how}: nothing was terminated")
            self.both_ways(check)

    def test_no_terminal_means_no_and_a_piped_line_is_never_an_answer(self):
        def check(how):
            p = subprocess.run([testbed.harness.dust_bin(), "terminate", "worker2"], input="y\n", text=True,
                               capture_output=True, env=self.sandbox.env(), timeout=30,
                               start_new_session=True)  # no controlling terminal
            self.assertNotEqual(p.returncode, 0, how)
            self.assertIn("no terminal to ask on", p.stderr, how)
            self.assertNotIn("[y/N]", p.stdout, how)
            r = self.dust("show", "worker2")
            self.assertIn("running", r.out, f"{how}: nothing was terminated")
        self.both_ways(check)

    # -- local commands at the prompt: the client's job control -----------------------------------
    def test_ctrl_c_and_ctrl_z_reach_the_local_command_and_the_server_serves_others(self):
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("!sleep 30")
        time.sleep(1)
        r = self.dust("@master", "echo meanwhile")  # another client is served while sleep runs
        self.assertEqual(r.out, "[master] meanwhile\n", r.err)
        t = time.monotonic()
        c.sendintr()
        c.expect(PROMPT, timeout=5)
        self.assertLess(time.monotonic() - t, 1.5)
        with tempfile.TemporaryDirectory() as d:
            # Stopped while it had turned echo off: the terminal's modes come back, as in a shell.
            c.sendline(f"!stty -echo; sleep 2; touch {d}/resumed")
            time.sleep(1)
            c.sendcontrol("z")
            c.expect(r"stopped: stty -echo; sleep 2; touch \S+ \(process group (\d+)\); "
                     r"`!kill -CONT -(\d+)`", timeout=5)
            pgid = int(c.match.group(1))
            self.assertEqual(int(c.match.group(2)), pgid)
            c.expect(PROMPT)
            c.sendline("!stty -a")
            c.expect(r"\s(-?)echo\s")
            self.assertEqual(c.match.group(1), "", "echo is on again after the stop")
            c.expect(PROMPT)
            c.sendline("@master echo after")
            c.expect(r"\[master\] after")  # the client's terminal works: only the command was suspended
            c.expect(PROMPT)
            # What the message says lets the command itself go on (sh's child too, not only sh).
            c.sendline(f"!kill -CONT -{pgid}")
            c.expect(PROMPT)
            deadline = time.monotonic() + 10
            while not os.path.exists(os.path.join(d, "resumed")) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertTrue(os.path.exists(os.path.join(d, "resumed")), "the stopped command went on")
            time.sleep(0.5)
            c.sendline("!true")  # the next local command reaps it: no zombie left behind
            c.expect(PROMPT)
            self.assertFalse(os.path.exists(f"/proc/{pgid}"), "the ended command was reaped")
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_ctrl_z_on_a_one_shots_local_command_stops_dust_with_it_and_fg_resumes_both(self):
        # A one-shot is a job of the user's shell: dust is no job-control shell there. The command stays
        # in dust's group, so Ctrl-Z stops both and `fg` resumes both (before, dust told how to resume it
        # with a `!kill` nobody could type, ended with 148, and the kernel killed the orphaned command).
        def check(how):
            sh = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], env=dict(self.sandbox.env(), PS1="SH$ "),
                               encoding="utf-8", timeout=30)
            try:
                sh.expect_exact("SH$ ")
                sh.sendline(f"{testbed.harness.dust_bin()} '!sleep 2; echo resumed-$((1+1))'")
                time.sleep(1)
                sh.sendcontrol("z")
                sh.expect(r"Stopped", timeout=10)
                sh.expect_exact("SH$ ")
                self.assertNotIn("resumed-2", sh.before, how)
                sh.sendline("fg; echo rc=$?")
                sh.expect_exact("resumed-2", timeout=15)
                sh.expect(r"rc=(\d+)")
                self.assertEqual(sh.match.group(1), "0", how)
                sh.sendline("exit")
                sh.expect(pexpect.EOF)
            finally:
                sh.close(force=True)
        self.both_ways(check)

    # -- per-client state -------------------------------------------------------------------------
    def test_failed_and_use_belong_to_each_client(self):
        a = self.spawn(timeout=30)
        a.expect(PROMPT)
        a.sendline("@worker0 false")
        a.expect(r"exit 1: worker0")
        a.expect(PROMPT)
        b = self.spawn(timeout=30)
        b.expect(PROMPT)
        b.sendline("use us-west-2")
        b.expect(r"dust:us-west-2\$ ")
        b.sendline("@:failed echo from-b")
        b.expect(PROMPT)
        self.assertNotIn("[worker0] from-b", b.before)  # b ran nothing: its :failed is empty
        a.sendline("@:failed echo from-a")
        a.expect(r"\[worker0\] from-a")  # a's :failed, and a's region: us-east-1 still
        a.sendline("exit")
        b.sendline("exit")
        a.expect(pexpect.EOF)
        b.expect(pexpect.EOF)

    # -- raw mode ---------------------------------------------------------------------------------
    def test_a_client_killed_in_raw_mode_leaves_no_program_and_the_next_types_into_dust(self):
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("@worker0")
        c.expect("attaching to worker0")
        c.sendline("exec sleep 4242")
        time.sleep(1.5)
        self.assertTrue(self.sleepers(), "sleep 4242 runs on worker0")
        os.kill(c.pid, signal.SIGKILL)
        c.close(force=True)
        for _ in range(50):
            if not self.sleepers():
                break
            time.sleep(0.2)
        self.assertEqual(self.sleepers(), [], "the raw program ended with its client")
        r = self.dust("@worker0", "echo fresh")
        self.assertEqual(r.out, "[worker0] fresh\n", r.err)

    def sleepers(self):
        out = []
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/cmdline", "rb") as f:
                        if f.read() == b"sleep\x004242\x00":
                            out.append(int(p))
                except OSError:
                    pass
        return out


if __name__ == "__main__":
    testbed.main()
