"""E2E: the session server (issue 13) — sessions outlive the terminal. Interactive dust starts a per-user
server and is its client; `detach` leaves it running; one-shot and script mode use its warm sessions (their
state included); `exit` in the last client ends it; a second uid is refused; killed clients and servers,
racing starts and malformed bytes never leave it broken."""
import io
import os
import shutil
import signal
import socket
import re
import subprocess
import tempfile
import time

import pexpect

import testbed

PROMPT = r"dust:\S+\$ "


class Server(testbed.SandboxTestCase):
    HOSTS = 2  # master, worker0

    def tearDown(self):
        self.sandbox.stop_dust_server()

    def attach(self, *args, **env):
        c = self.spawn(*args, timeout=30, **env)
        c.expect(PROMPT)
        return c

    def server_pid(self):
        return self.sandbox.dust_server_pid()

    def run_path(self, name):
        return os.path.join(self.sandbox.dust_home, "run", name)

    def wait_gone(self, pid, seconds=10):
        for _ in range(int(seconds * 10)):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().split()[2] == "Z":
                        return True
            except OSError:
                return True
            time.sleep(0.1)
        return False

    def dust_processes(self):
        """Pids of dust processes of this sandbox (their environment names its DUST_HOME)."""
        out = []
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open(f"/proc/{p}/environ", "rb") as f:
                    env = f.read()
                with open(f"/proc/{p}/stat") as f:
                    if f.read().split()[2] == "Z":
                        continue
            except OSError:
                continue
            if f"DUST_HOME={self.sandbox.dust_home}".encode() + b"\0" in env and int(p) != os.getpid():
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    if b"dust" in f.read().split(b"\0")[0]:
                        out.append(int(p))
        return out

    def test_state_survives_detach_and_one_shot_uses_it(self):
        c = self.attach()
        c.sendline("@worker0 cd /tmp")
        c.expect(PROMPT)
        c.sendline("@worker0 pwd")
        c.expect(r"\[worker0\] /tmp")
        pid = self.server_pid()
        self.assertIsNotNone(pid)
        self.assertEqual(os.stat(self.run_path("server.sock")).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(self.run_path("")).st_mode & 0o777, 0o700)
        c.sendline("detach")
        c.expect("detached")
        c.expect(pexpect.EOF)
        c.close()
        self.assertEqual(c.exitstatus, 0)
        # One-shot through the server: the same shell, still in /tmp; exit code and --json as usual.
        r = self.dust("@worker0", "pwd")
        self.assertEqual((r.rc, r.out), (0, "[worker0] /tmp\n"), r.err)
        r = self.dust("@worker0", "(exit 3)")
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("exit 3: worker0", r.err)
        r = self.dust("--json", "@worker0", "pwd")
        self.assertIn('"/tmp"', r.out)
        # Script mode: lines in order, variables persist between invocations too.
        r = self.dust(input="@worker0 export KEPT=yes\n@worker0 cd /etc\n")
        self.assertEqual(r.rc, 0, r.err)
        r = self.dust("@worker0", "echo $KEPT $(pwd)")
        self.assertEqual(r.out, "[worker0] yes /etc\n", r.err)
        self.assertEqual(self.server_pid(), pid, "one server throughout")
        # A new dust attaches and sees the state; `exit` in the last client ends everything.
        c = self.attach()
        c.sendline("@worker0 pwd")
        c.expect(r"\[worker0\] /etc")
        c.sendline("exit")
        c.expect(pexpect.EOF)
        c.close()
        self.assertTrue(self.wait_gone(pid), "the server ended with the last client")
        self.assertEqual(self.dust_processes(), [])
        self.assertFalse(os.path.exists(self.run_path("server.sock")))

    def test_the_front_alone_serves_one_shots_and_scripts_through_the_server(self):
        # bin/dust is a small front that is the server's client itself for a one-shot or a script;
        # only the rest needs dust-core. A copy of the front with no dust-core beside it shows which.
        front_dir = os.path.join(self.sandbox.dir, "front-only")
        os.makedirs(front_dir, exist_ok=True)
        front = os.path.join(front_dir, "dust")
        shutil.copy(testbed.dust_bin(), front)
        env = self.sandbox.env()
        def run(*args, input=""):
            p = subprocess.run([front, *args], input=input, env=env, capture_output=True, text=True,
                               timeout=30, start_new_session=True)
            return p.returncode, p.stdout, p.stderr
        rc, out, err = run("@worker0", "true")
        self.assertEqual(rc, 127, (out, err))  # no server: dust-core's work, and it is missing
        self.assertIn(f"cannot run {front_dir}/../libexec/dust/dust-core", err)
        self.assertEqual(self.dust("start-server").rc, 0)
        self.assertEqual(self.dust("@worker0", "cd /var").rc, 0)
        rc, out, err = run("@worker0", "pwd")
        self.assertEqual((rc, out), (0, "[worker0] /var\n"), err)
        rc, out, err = run("@worker0", "(exit 4)")
        self.assertEqual(rc, 4, err)
        self.assertIn("exit 4: worker0", err)
        rc, out, err = run(input="@worker0 cd /tmp\n@worker0 pwd\n")
        self.assertEqual((rc, out), (0, "[worker0] /tmp\n"), err)
        rc, out, err = run("--json", "@worker0", "cat", input="from the front\n")
        self.assertEqual(rc, 0, err)
        self.assertIn('"from the front"', out)
        # Any one-shot line is the server's, `help` too (its command table); --version the front's.
        rc, out, err = run("help", "put")
        self.assertEqual(rc, 0, err)
        self.assertIn("usage: put", out)
        self.assertEqual(run("--version")[:2], (0, self.dust("--version").out))
        rc, out, err = run("--no-such-option")
        self.assertEqual(rc, 2)
        self.assertIn("--no-such-option", err)

    def test_ctrl_c_before_a_one_shot_line_is_sent_runs_nothing(self):
        # The one-shot reads its stdin (a pipe that stays open) before it sends its line: Ctrl-C
        # then ends it with 130 and the line never runs (it was "interrupted while reading stdin", 2).
        self.assertEqual(self.dust("start-server").rc, 0)
        self.assertEqual(self.dust("@worker0", "rm -f /tmp/never-ran").rc, 0)
        p = subprocess.Popen([testbed.dust_bin(), "@worker0", "touch /tmp/never-ran"], env=self.sandbox.env(),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            time.sleep(0.5)
            os.kill(p.pid, signal.SIGINT)
            out, err = p.communicate(timeout=5)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertEqual(p.returncode, 130, err)
        r = self.dust("@worker0", "test -e /tmp/never-ran && echo ran || echo not run")
        self.assertEqual(r.out, "[worker0] not run\n", r.err)

    def test_ctrl_c_while_a_script_waits_for_its_next_line_ends_it_with_130(self):
        # With and without a server alike (the served client retried its read; one process said 0).
        for served in (False, True):
            if served:
                self.assertEqual(self.dust("start-server").rc, 0)
            p = subprocess.Popen([testbed.dust_bin()], env=self.sandbox.env(), stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
            try:
                p.stdin.write(b"@worker0 echo one\n")
                p.stdin.flush()
                time.sleep(2.5)
                os.kill(p.pid, signal.SIGINT)
                p.wait(timeout=5)  # at once, while its stdin stays open
                out = p.stdout.read().decode()
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
                p.stdin.close()
            self.assertEqual((p.returncode, out), (130, "[worker0] one\n"), f"served={served}")

    def test_a_config_file_that_cannot_be_read_is_named(self):
        os.makedirs(os.path.join(self.sandbox.dust_home, "config.yaml"))
        try:
            r = self.dust("@worker0", "true")
            self.assertEqual(r.rc, 2, r.err)
            self.assertRegex(r.err, r"^dust: cannot read \S*config\.yaml: is a directory")
        finally:
            os.rmdir(os.path.join(self.sandbox.dust_home, "config.yaml"))

    def test_loglevel_debug_logs_the_line_to_its_client(self):
        # The server's log level and log file are its own; a client's --loglevel debug gets the log
        # of its own line on its stderr, as in one process, and the next line is quiet again.
        self.assertEqual(self.dust("start-server").rc, 0)
        self.assertEqual(self.dust("@worker0", "true").rc, 0)
        debug_line = r"(?m)^dust:\S+ \S+ \| ssh worker0"
        r = self.dust("--loglevel", "debug", "@worker0", "echo logged")
        self.assertEqual((r.rc, r.out), (0, "[worker0] logged\n"), r.err)
        self.assertRegex(r.err, debug_line)
        r = self.dust("@worker0", "echo quiet")
        self.assertEqual((r.rc, r.out), (0, "[worker0] quiet\n"), r.err)
        self.assertNotRegex(r.err, debug_line)

    def test_ctrl_backslash_twice_detaches(self):
        c = self.attach()
        c.sendline("@worker0 cd /usr && echo moved")
        c.expect(r"\[worker0\] moved")
        pid = self.server_pid()
        c.sendcontrol("\\")
        time.sleep(0.3)  # at a person's pace: two signals sent at once may arrive as one
        c.sendcontrol("\\")
        c.expect("detached")
        c.expect(pexpect.EOF)
        c.close()
        self.assertEqual(c.exitstatus, 0)
        self.assertEqual(self.server_pid(), pid)
        r = self.dust("@worker0", "pwd")
        self.assertEqual(r.out, "[worker0] /usr\n", r.err)

    def test_one_shot_without_a_server_runs_alone_and_leaves_none(self):
        self.assertIsNone(self.server_pid())
        r = self.dust("@worker0", "echo alone")
        self.assertEqual((r.rc, r.out), (0, "[worker0] alone\n"), r.err)
        self.assertIsNone(self.server_pid())
        self.assertEqual(self.dust_processes(), [])
        r = self.dust("attach")
        self.assertEqual(r.rc, 1)
        self.assertIn("no dust server runs", r.err)

    def test_the_socket_under_xdg_runtime_dir_even_where_openssl_cannot_start(self):
        # With XDG_RUNTIME_DIR the socket's name is a SHA-256 of DUST_HOME; an OPENSSL_CONF that names a
        # provider that is not there makes SHA-256 fail: the name came from uninitialised bytes (the
        # server ran where no client found it). It falls back to DUST_HOME/run.
        with tempfile.TemporaryDirectory() as xdg:
            os.chmod(xdg, 0o700)
            conf = os.path.join(xdg, "broken.cnf")
            with open(conf, "w") as f:
                f.write("config_diagnostics = 1\nopenssl_conf = init\n[init]\nproviders = prov\n"
                        "[prov]\nnosuch = nosuch_sect\n[nosuch_sect]\nactivate = 1\n")
            for extra in ({}, {"OPENSSL_CONF": conf}):
                env = dict(XDG_RUNTIME_DIR=xdg, **extra)
                r = self.dust("start-server", **env)
                self.assertEqual(r.rc, 0, f"{extra}: {r.err}")
                if extra:  # without OpenSSL no AWS request can be signed: said as that
                    r = self.dust("show", **env)
                    self.assertNotEqual(r.rc, 0, r.out)
                    self.assertIn("OpenSSL cannot compute", r.err)
                    self.assertIn("OPENSSL_CONF", r.err)
                else:
                    r = self.dust("@worker0", "cd /tmp", **env)
                    self.assertEqual(r.rc, 0, r.err)
                    r = self.dust("@worker0", "pwd", **env)  # served: the server's shell kept the cd
                    self.assertEqual(r.out, "[worker0] /tmp\n", f"{extra}: {r.err}")
                r = self.dust("--yes", "kill-server", **env)
                self.assertEqual(r.rc, 0, f"{extra}: {r.err}")
                self.assertIn("was ended", r.err + r.out)
                self.assertEqual(self.dust_processes(), [], extra)
                names = os.listdir(os.path.join(xdg, "dust")) if os.path.isdir(os.path.join(xdg, "dust")) else []
                self.assertTrue(all(re.fullmatch(r"[0-9a-f]{12}\.(sock|lock|log)", n) for n in names), names)

    def test_output_while_detached_is_shown_at_attach_and_by_replay(self):
        c = self.attach()
        c.sendline("@worker0 sleep 2; echo late-line")
        c.expect(PROMPT)
        c.sendline("detach")
        c.expect(pexpect.EOF)
        time.sleep(4)
        c = self.attach_expecting("late-line")
        c.sendline("replay worker0")
        c.expect(r"\[worker0\] late-line")
        c.expect(PROMPT)
        c.sendline("replay master")
        c.expect("nothing was printed")
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def attach_expecting(self, text):
        c = self.spawn(timeout=30)
        c.expect("output while detached")
        c.expect(text)
        c.expect(PROMPT)
        return c

    def test_a_busy_node_refuses_another_clients_line(self):
        c = self.attach()
        c.sendline("@worker0 sleep 4; echo slept")
        c.expect(PROMPT)
        time.sleep(0.5)
        r = self.dust("@worker0", "echo intruder")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("worker0 is running a command another dust client started", r.err)
        r = self.dust("@master", "echo free")  # another node is free
        self.assertEqual(r.out, "[master] free\n", r.err)
        c.expect(r"\[worker0\] slept", timeout=10)
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_another_uid_is_refused(self):
        self.dust("start-server")
        pid = self.server_pid()
        sock = self.run_path("server.sock")
        # Open the directory and socket to everyone: only the peer-uid check stands in the way.
        os.chmod(sock, 0o666)
        d = self.run_path("")
        while d not in ("/", ""):
            os.chmod(d, os.stat(d).st_mode | 0o005)
            d = os.path.dirname(d.rstrip("/"))
        child = os.fork()
        if child == 0:
            try:
                os.setgid(65534)
                os.setuid(65534)
                s = socket.socket(socket.AF_UNIX)
                s.connect(sock)
                s.settimeout(5)
                try:
                    s.sendall(b"\x01\x00\x00\x00\x02{}")
                    os._exit(0 if s.recv(100) == b"" else 3)
                except (BrokenPipeError, ConnectionResetError):
                    os._exit(0)  # closed by the server
            except Exception as e:
                os.write(2, f"uid child: {e!r}\n".encode())
                os._exit(4)
        _, st = os.waitpid(child, 0)
        self.assertEqual(os.waitstatus_to_exitcode(st), 0, "connection closed at once")
        with open(self.run_path("server.log")) as f:
            self.assertIn("refused a client of uid 65534", f.read())
        self.assertEqual(self.dust("@master", "echo still").out, "[master] still\n")
        self.assertEqual(self.server_pid(), pid)

    def test_malformed_bytes_drop_only_that_client(self):
        c = self.attach()
        c.sendline("@worker0 cd /var")
        c.expect(PROMPT)
        for junk in (b"\xff\xff\xff\xff\xff\xff", b"\x02\x7f\xff\xff\xff", b"\x01\x00\x00\x00\x03{x}"):
            s = socket.socket(socket.AF_UNIX)
            s.connect(self.run_path("server.sock"))
            s.sendall(junk)
            s.settimeout(5)
            got = b""
            while chunk := s.recv(4096):  # a Bye saying why, then the end of the connection
                got += chunk
            self.assertEqual(got[:1], b"\x24", junk)  # Bye
            self.assertIn(b"the dust server dropped this client: malformed", got, junk)
            s.close()
        with open(self.run_path("server.log")) as f:
            log = f.read()
        self.assertIn("malformed message", log)
        c.sendline("@worker0 pwd")
        c.expect(r"\[worker0\] /var")
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_two_clients_see_their_own_output_and_both_see_notices(self):
        a = self.attach()
        b = self.attach()
        shown = {a: io.StringIO(), b: io.StringIO()}  # everything each terminal showed
        for client, log in shown.items():
            client.logfile_read = log
        a.sendline("@worker0 echo from-a")
        a.expect(r"\[worker0\] from-a")
        a.expect(PROMPT)
        b.sendline("@master echo from-b")
        b.expect(r"\[master\] from-b")
        b.expect(PROMPT)
        # A command that ends later: its failure summary is a notice for every attached client.
        a.sendline("@worker0 sleep 1; false")
        a.expect(r"exit 1: worker0")
        b.expect(r"exit 1: worker0")
        b.sendline("@master echo again-b")
        b.expect(r"\[master\] again-b")
        b.expect(PROMPT)
        self.assertNotIn("] from-a", shown[b].getvalue())
        self.assertNotIn("] from-b", shown[a].getvalue())
        # `exit` in one client leaves the server to the other; the last one's `exit` ends it.
        pid = self.server_pid()
        a.sendline("exit")
        a.expect("the dust server goes on for 1 other attached client")
        a.expect(pexpect.EOF)
        b.sendline("@worker0 echo still-here")
        b.expect(r"\[worker0\] still-here")
        b.sendline("exit")
        b.expect(pexpect.EOF)
        self.assertTrue(self.wait_gone(pid), "the server ended with the last client")

    def test_a_different_ssh_config_or_log_dir_is_refused_and_changes_nothing(self):
        other = os.path.join(self.sandbox.dir, "other_ssh_config")
        shutil.copy(self.sandbox.ssh_config, other)
        c = self.attach()
        c.sendline("@worker0 cd /var && echo moved")
        c.expect(r"\[worker0\] moved")
        pid = self.server_pid()
        r = self.dust("-F", other, "@worker0", "pwd")
        self.assertNotEqual(r.rc, 0)
        self.assertIn(f"runs with -F ~/.ssh/config, this dust asks for {other}", r.err)
        self.assertEqual(r.out, "")
        logs = os.path.join(self.sandbox.dir, "server-logs")
        r = self.dust("--log-dir", logs, "@worker0", "pwd")
        self.assertNotEqual(r.rc, 0)
        self.assertIn(f"runs with --log-dir no log dir, this dust asks for {logs}", r.err)
        self.assertFalse(os.path.exists(logs), "nothing was created")
        r = self.dust("--log-dir", "off", "@worker0", "pwd")  # as the server: no log dir
        self.assertEqual((r.rc, r.out), (0, "[worker0] /var\n"), r.err)
        # The same settings as the server's (a relative -F naming the same file) are served.
        r = self.dust("-F", os.path.relpath(self.sandbox.ssh_config), "@worker0", "pwd")
        self.assertEqual((r.rc, r.out), (0, "[worker0] /var\n"), r.err)
        self.assertEqual(self.server_pid(), pid)
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_one_shot_to_a_file_gets_no_colour_from_a_colour_terminal(self):
        c = self.attach(NO_COLOR="")  # a colour terminal started the server
        c.sendline("@worker0 echo coloured")
        c.expect("\x1b\\[[0-9;]*m\\[worker0\\]\x1b\\[0m coloured")
        r = self.dust("@worker0", "echo plain", NO_COLOR="")  # stdout is a pipe
        self.assertEqual((r.rc, r.out), (0, "[worker0] plain\n"), r.err)
        c.sendline("@worker0 echo again")
        c.expect("\x1b\\[[0-9;]*m\\[worker0\\]\x1b\\[0m again")
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_killed_client_leaves_the_server_and_sessions_whole(self):
        c = self.attach()
        c.sendline("@worker0 cd /usr && echo moved")
        c.expect(r"\[worker0\] moved")
        os.kill(c.pid, signal.SIGKILL)
        c.close(force=True)
        r = self.dust("@worker0", "pwd")
        self.assertEqual(r.out, "[worker0] /usr\n", r.err)

    def test_a_one_shot_that_goes_away_takes_its_command_with_it(self):
        # Its output pipe closed (`dust @n yes | head -1`) or SIGTERM: the command is interrupted, so the
        # node is free for the next client at once and nobody else sees its output.
        self.assertEqual(self.dust("start-server").rc, 0)
        cmd = f"{testbed.harness.dust_bin()} @worker0 yes | head -1"
        r = subprocess.run(["sh", "-c", cmd], env=self.sandbox.env(), capture_output=True, text=True,
                           timeout=30, start_new_session=True)
        self.assertEqual(r.stdout, "[worker0] y\n", r.stderr)
        p = subprocess.Popen([testbed.harness.dust_bin(), "@master", "sleep 30; echo survivor"],
                             env=self.sandbox.env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(1.5)
        p.terminate()
        p.wait(timeout=10)
        for node in ("worker0", "master"):
            deadline = time.monotonic() + 10
            while True:
                r = self.dust(f"@{node}", "echo free")
                if r.rc == 0 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            self.assertEqual(r.out, f"[{node}] free\n", r.err)

    def test_a_paused_one_shot_costs_the_server_no_cpu_and_loses_nothing(self):
        # A one-shot whose reader stops (a full pipe): its node is not read until it reads again. The
        # server waited on the session's always-writable socket for a stale libssh wish to write and spun
        # at 100% CPU meanwhile (found by a hostile review). Counted in CPU ticks, not in time.
        self.assertEqual(self.dust("start-server").rc, 0)
        pid = self.server_pid()
        r, w = os.pipe()
        p = subprocess.Popen([testbed.harness.dust_bin(), "@worker0", "yes | head -c 5M"],
                             env=self.sandbox.env(), stdin=subprocess.DEVNULL, stdout=w,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(w)
        try:
            time.sleep(2)  # the pipe and the windows fill; the node is paused

            def ticks():
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                return int(fields[11]) + int(fields[12])  # utime + stime
            # A slow (sanitized) server may still be filling the pipe: it must come to rest within 30 s,
            # where a spinning one never does.
            deadline = time.monotonic() + 30
            while True:
                before = ticks()
                time.sleep(2)
                used = ticks() - before
                if used < 40 or time.monotonic() > deadline:
                    break
            self.assertLess(used, 40, f"the server used {used} ticks of CPU in 2 s while its client was paused")
            with os.fdopen(r, "rb") as f:
                data = f.read()
            self.assertEqual(p.wait(timeout=30), 0)
            self.assertEqual(data.count(b"[worker0] y\n"), 5 * 1024 * 1024 // 2)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()

    def test_killed_server_is_reported_and_the_next_dust_starts_afresh(self):
        c = self.attach()
        pid = self.server_pid()
        os.kill(pid, signal.SIGKILL)
        c.expect("went away")
        c.expect(pexpect.EOF)
        c.close()
        self.assertNotEqual(c.exitstatus, 0)
        self.assertTrue(os.path.exists(self.run_path("server.sock")), "a stale socket is left")
        c = self.attach()  # the stale socket does not block a new server
        self.assertNotEqual(self.server_pid(), pid)
        c.sendline("@worker0 echo fresh")
        c.expect(r"\[worker0\] fresh")
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_kill_server_tells_attached_clients(self):
        c = self.attach()
        # Without a terminal to ask on it refuses to end somebody's sessions; on one it asks.
        r = self.dust("kill-server")
        self.assertEqual(r.rc, 1, r.err)
        self.assertIn("1 dust client is attached; not ended (add --yes)", r.err)
        self.assertIsNotNone(self.server_pid())
        r = self.dust_tty("kill-server", answers=["n"])
        self.assertEqual(r.rc, 1, r.out)
        self.assertIn("cancelled, the server goes on", r.out)
        r = self.dust_tty("kill-server", answers=["y"])
        self.assertEqual(r.rc, 0, r.out)
        self.assertIn("was ended", r.out)
        c.expect("kill-server")
        c.expect(pexpect.EOF)
        c.close()
        self.assertNotEqual(c.exitstatus, 0)
        self.assertEqual(self.dust("kill-server").rc, 1)
        # Nothing attached, nothing running: it ends at once, without a question.
        self.assertEqual(self.dust("start-server").rc, 0)
        r = self.dust("kill-server")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("was ended", r.err)
        # Its clients are let go first, then the process ends (sessions closed, threads joined).
        deadline = time.monotonic() + 5
        while self.server_pid() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIsNone(self.server_pid())

    def test_two_starts_at_once_make_one_server(self):
        env = self.sandbox.env()
        procs = [subprocess.Popen([testbed.harness.dust_bin(), "start-server"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
        for p in procs:
            p.communicate(timeout=30)
            self.assertEqual(p.returncode, 0)
        time.sleep(0.5)
        servers = self.dust_processes()
        self.assertEqual(len(servers), 1, servers)
        self.assertEqual(servers, [self.server_pid()])

    def test_idle_server_ends_by_itself(self):
        with open(os.path.join(self.sandbox.dust_home, "config.yaml"), "w") as f:
            f.write("server:\n  idle_timeout: 2\n")
        try:
            self.assertEqual(self.dust("start-server").rc, 0)
            pid = self.server_pid()
            self.assertIsNotNone(pid)
            self.assertTrue(self.wait_gone(pid, seconds=8), "ended after the idle timeout")
        finally:
            os.remove(os.path.join(self.sandbox.dust_home, "config.yaml"))


if __name__ == "__main__":
    testbed.main()
