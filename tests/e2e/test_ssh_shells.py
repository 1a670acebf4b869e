"""E2E: the login shells dust drives (issue 3) — bash (root's), dash and zsh: state kept between lines,
output, per-node exit codes, and raw mode coming back to line mode. Each shell belongs to a user made for
this module (removed afterwards) and reached through an ssh config naming that user."""
import os
import subprocess
import time

import testbed
from testbed import procs


def lines_of(out, node):
    return [l[len(node) + 3:] for l in out.splitlines() if l.startswith(f"[{node}] ")]


SHELLS = {"dash": "/bin/dash", "zsh": "/usr/bin/zsh"}


class LoginShells(testbed.SandboxTestCase):
    HOSTS = 2  # master, worker0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # sshd reads the shared authorized_keys as the test user: the sandbox dir (0700) must be traversable.
        # Private keys stay private (their files and ~/.ssh are 0600/0700).
        os.chmod(cls.sandbox.dir, 0o755)
        cls.users = {}
        for name, shell in SHELLS.items():
            if not os.access(shell, os.X_OK):
                raise RuntimeError(f"{shell} is missing (scripts/install-deps.sh installs it)")
            user = f"dust-t-{name}-{os.getpid() % 100000}"
            home = os.path.join(cls.sandbox.dir, f"home-{name}")
            procs.run(["useradd", "--home-dir", home, "--create-home", "--shell", shell, user])
            procs.on_exit(lambda u=user: subprocess.run(["userdel", u], capture_output=True))
            procs.run(["usermod", "-p", "*", user])  # unlocked for key logins (no PAM here)
            # No ~/.zshrc: a fresh zsh user (zsh's new-user wizard must not get in the way).
            cfg = os.path.join(cls.sandbox.dir, f"ssh_config-{name}")
            with open(cls.sandbox.ssh_config) as src, open(cfg, "w") as dst:
                dst.writelines(f"    User {user}\n" if l.strip().startswith("User ") else l for l in src)
            cls.users[name] = (user, home, cfg)

    @classmethod
    def tearDownClass(cls):
        for user, _, _ in cls.users.values():
            subprocess.run(["userdel", user], capture_output=True)
        super().tearDownClass()

    def line_mode(self, shell):
        user, home, cfg = self.users[shell]
        script = ("@worker0 echo shell=$0 user=$(id -un)\n@worker0 cd /tmp\n@worker0 export V=kept\n"
                  "@worker0 pwd; echo $V\n@worker[0],master test $(hostname) = master\n")
        r = self.dust("-F", cfg, input=script)
        got = lines_of(r.out, "worker0")
        self.assertTrue(got, r.out + r.err)
        self.assertEqual(got[0].split()[1], f"user={user}", r.out + r.err)
        self.assertIn(shell, got[0].split()[0])
        self.assertEqual(got[1:], ["/tmp", "kept"], r.out + r.err)
        self.assertIn("exit 1: worker0   (1 ok)", r.err)
        self.assertNotRegex(r.err, r"exit \d+: [^\n]*master")
        self.assertEqual(r.rc, 1, r.err)

    def test_dash_line_mode(self):
        self.line_mode("dash")

    def test_zsh_line_mode(self):
        self.line_mode("zsh")

    def long_lines_and_incomplete_commands(self, shell):
        """Issue 10 items 3, 4 and 7: lines past the pty's 4,095-byte canonical limit arrive whole, an
        unbalanced quote is reported and cancelled (the session stays usable), `exit 3` is reported."""
        user, home, cfg = self.users[shell]
        a10k, a1m = "A" * 10000, "A" * 1000000
        script = (f"@worker0 echo {a10k} | wc -c\n@worker0 echo {a1m} | wc -c\n@worker0 echo 'abc\n"
                  "@worker0 echo \"still $0\"\n")
        r = self.dust("-F", cfg, input=script, timeout=120)
        got = lines_of(r.out, "worker0")
        self.assertEqual([g.strip() for g in got[:2]], ["10001", "1000001"], r.err[-2000:])
        self.assertIn("[worker0] incomplete command (unbalanced quote?)", r.err)
        self.assertEqual(len(got), 3, got)
        self.assertRegex(got[2], rf"still \S*{shell}")
        t0 = time.monotonic()
        r = self.dust("-F", cfg, "@worker0", "echo 'abc", timeout=30)
        self.assertLess(time.monotonic() - t0, 15)
        self.assertEqual(r.rc, 2, r.err)
        r = self.dust("-F", cfg, "@worker0", "exit 3", timeout=30)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("the shell exited with status 3", r.err)

    def test_dash_long_lines_and_incomplete_commands(self):
        self.long_lines_and_incomplete_commands("dash")

    def test_zsh_long_lines_and_incomplete_commands(self):
        self.long_lines_and_incomplete_commands("zsh")

    def put_and_get(self, shell):
        """put/get run one `sh -c` command per file through the login shell (issue 22): a name with a
        command substitution and spaces goes to the login directory and back, nothing else left there."""
        user, home, cfg = self.users[shell]
        name = "odd $(id) `id` x.dat"
        src = os.path.join(self.sandbox.dir, f"src-{shell}")
        os.makedirs(src, exist_ok=True)
        data = os.urandom(1_500_000)
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)
        before = set(os.listdir(home))
        r = self.dust("-F", cfg, "put", "worker0", f"'{os.path.join(src, name)}'", timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn(f"→ {os.path.realpath(home)}/{name} (1.5 MB, ", r.out)
        self.assertEqual(set(os.listdir(home)) - before, {name})
        out = os.path.join(self.sandbox.dir, f"got-{shell}")
        r = self.dust("-F", cfg, "get", "worker0", f"'{name}'", out, timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        with open(os.path.join(out, "worker0", name), "rb") as f:
            self.assertEqual(f.read(), data)

    def test_dash_put_and_get(self):
        self.put_and_get("dash")

    def test_zsh_put_and_get(self):
        self.put_and_get("zsh")

    def stdin_whole(self, shell):
        """A one-shot's stdin past the here-document's 64 KiB goes to a file over an exec channel: zsh
        reads a here-document a byte at a time (about 5 s per MB), so 8 MiB took about a minute."""
        import hashlib
        cfg = self.users[shell][2] if shell in self.users else self.sandbox.ssh_config
        data = os.urandom(8 << 20)
        p = subprocess.run([testbed.harness.dust_bin(), "-F", cfg, "@worker0", "md5sum"], input=data,
                           capture_output=True, env=self.sandbox.env(), timeout=30, start_new_session=True)
        self.assertEqual(p.stdout.decode(), f"[worker0] {hashlib.md5(data).hexdigest()}  -\n", p.stderr)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_zsh_large_stdin(self):
        self.stdin_whole("zsh")

    def test_dash_large_stdin(self):
        self.stdin_whole("dash")

    def test_bash_keeps_no_history(self):
        """Like `ssh host cmd`, dust's shells keep no history: bash appended each line of a here-document
        to its history entry (quadratic: 1 MB of one-shot stdin took 35 s) and would have written the
        stdin it carried to ~/.bash_history when the shell ended."""
        r = self.dust("@worker0", "echo $0; set -o | grep '^history'; echo \"[$HISTFILE]\"")
        self.assertEqual(r.rc, 0, r.err)
        self.assertRegex(r.out, r"\[worker0\] -?bash\n\[worker0\] history\s+off\n\[worker0\] \[\]\n")

    def test_a_profile_that_eats_or_delays_the_setup_line(self):
        """A one-shot's command rides right behind the shell's setup line (one round trip less), guarded
        so that it runs only where that setup line ran. A login script that reads a line eats the setup
        line: the command was a no-op, and runs (once) after the setup line sent again. A slow one: the
        setup line is sent again behind the command, which runs once and does not read it."""
        user, home, cfg = self.users["dash"]
        profile = os.path.join(home, ".profile")
        self.addCleanup(lambda: os.path.exists(profile) and os.unlink(profile))
        for body in ("read -r eaten\n", "sleep 1.5\n"):
            with open(profile, "w") as f:
                f.write(body)
            r = self.dust("-F", cfg, "@worker0", "echo ran-$((1+1)); cat; echo end", input="")
            self.assertEqual((r.rc, r.out), (0, "[worker0] ran-2\n[worker0] end\n"), f"{body!r}: {r.err}")
            # Its status, even one in the setup line's own range (240-249), when the setup line went
            # twice (its copy's marker comes after the command's).
            r = self.dust("-F", cfg, "@worker0", "(exit 245)", input="")
            self.assertEqual(r.rc, 245, f"{body!r}: {r.err}")
        os.unlink(profile)
        # A line the pty would cut or edit in canonical mode (longer than 4,095 bytes, a DEL byte)
        # waits for the setup line's marker, which turns canonical mode off (dash has no line editor).
        long = "A" * 5000
        r = self.dust("-F", cfg, "@worker0", f"echo {long} | wc -c; echo 'x\x7fy' | od -An -c", input="")
        self.assertEqual(r.out.split("\n")[0], "[worker0] 5001", r.err)
        self.assertRegex(r.out, r"\[worker0\]\s+x\s+177\s+y", r.err)
        # A startup file that ends the shell: the command never ran, and that is an error, not success.
        with open(profile, "w") as f:
            f.write("exit 0\n")
        r = self.dust("-F", cfg, "@worker0", "echo never", input="")
        self.assertEqual(r.rc, 255, r.out + r.err)
        self.assertIn("the login shell ended before it was ready", r.err)
        os.unlink(profile)

    def test_a_transfer_opens_no_login_shell(self):
        """put and get start no login shell, as scp does not (a cold one begins once logged in): a
        .profile that ends the shell or hangs changes nothing for them, while a command there says so. A
        one-shot's large stdin waits for the shell (the command that reads and removes it runs there):
        a shell that ends leaves no copy of it on the node."""
        user, home, cfg = self.users["dash"]
        profile = os.path.join(home, ".profile")
        self.addCleanup(lambda: os.path.exists(profile) and os.unlink(profile))
        src = os.path.join(self.sandbox.dir, "no-shell.dat")
        data = os.urandom(300_000)
        with open(src, "wb") as f:
            f.write(data)
        out = os.path.join(self.sandbox.dir, "got-no-shell")
        for body in ("exit 0\n", "sleep 60\n"):
            with open(profile, "w") as f:
                f.write(body)
            t0 = time.monotonic()
            r = self.dust("-F", cfg, "put", "worker0", src, "copy.dat", timeout=60)
            self.assertEqual(r.rc, 0, f"{body!r}: {r.out}{r.err}")
            r = self.dust("-F", cfg, "get", "-f", "worker0", "copy.dat", out, timeout=60)
            self.assertEqual(r.rc, 0, f"{body!r}: {r.out}{r.err}")
            self.assertLess(time.monotonic() - t0, 20, "neither waited for the shell")
            with open(os.path.join(out, "worker0", "copy.dat"), "rb") as f:
                self.assertEqual(f.read(), data)
            self.assertEqual(sorted(x for x in os.listdir(home) if "dust" in x), [], "no temporary file left")
        # In one process: the put, then a command, which needs the shell (its login is a new one).
        with open(profile, "w") as f:
            f.write("exit 0\n")
        r = self.dust("-F", cfg, input=f"put worker0 {src} again.dat\n@worker0 echo never\n", timeout=60)
        self.assertEqual(r.rc, 255, r.out + r.err)
        self.assertIn("→ ", r.out)
        self.assertNotIn("never", r.out)
        self.assertIn("the login shell ended before it was ready", r.err)
        self.assertTrue(os.path.exists(os.path.join(home, "again.dat")))
        tmp = os.environ.get("TMPDIR", "/tmp")
        before = {x for x in os.listdir(tmp) if x.startswith("dust-stdin-")}
        r = self.dust("-F", cfg, "@worker0", "wc -c", input="x" * 200_000, timeout=60)
        self.assertEqual(r.rc, 255, r.out + r.err)
        self.assertIn("the login shell ended before it was ready", r.err)
        self.assertEqual({x for x in os.listdir(tmp) if x.startswith("dust-stdin-")} - before, set())
        # In a server, a transfer's login is given its shell for later commands: one that fails
        # was asked for by nobody, so it says nothing; the command that needs it says why, once.
        alone = self.dust("-F", cfg, "@worker0", "echo never", timeout=60)
        self.assertEqual(alone.rc, 255, alone.out + alone.err)
        self.assertEqual(self.dust("-F", cfg, "start-server").rc, 0)
        try:
            for name in ("kept1.dat", "kept2.dat"):
                r = self.dust("-F", cfg, "put", "worker0", src, name, timeout=60)
                self.assertEqual(r.rc, 0, r.out + r.err)
                self.assertNotIn("error", r.err)
                self.assertNotIn("reconnecting", r.err)
            time.sleep(1)  # the kept shell's failure, had it been shown, would be out by now
            r = self.dust("-F", cfg, "@worker0", "echo never", timeout=60)
            self.assertEqual((r.rc, r.out, r.err), (alone.rc, alone.out, alone.err), "as in one process")
            # A line that comes while that shell is still starting asked for it: it is told why.
            r = self.dust("-F", cfg, input=f"put worker0 {src} kept3.dat\n@worker0 echo never\n", timeout=60)
            self.assertEqual(r.rc, 255, r.out + r.err)
            self.assertIn("→ ", r.out)
            self.assertNotIn("never", r.out)
            self.assertIn("the login shell ended before it was ready", r.err)
        finally:
            self.dust("-F", cfg, "--yes", "kill-server")
        os.unlink(profile)

    def test_a_startup_file_that_prints_is_named_by_get(self):
        """zsh reads ~/.zshenv even for a command: one that prints breaks get's header (as it breaks
        scp), and the error shows what came, escaped."""
        user, home, cfg = self.users["zsh"]
        zshenv = os.path.join(home, ".zshenv")
        self.addCleanup(lambda: os.path.exists(zshenv) and os.unlink(zshenv))
        with open(zshenv, "w") as f:
            f.write("printf 'hello from zshenv \\033[31m\\n'\n")
        r = self.dust("-F", cfg, "get", "worker0", ".zshenv", os.path.join(self.sandbox.dir, "got-zshenv"),
                      timeout=60)
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn('unexpected header "hello from zshenv \\x1b[31m" (does a startup file', r.err)

    def test_ctrl_c_while_the_shell_starts(self):
        """Ctrl-C while a cold one-shot's command rides behind the setup line (a slow .profile): the
        connection is closed (the shell gets SIGHUP), dust says so and ends at once; the next command
        on that node works."""
        import signal
        user, home, cfg = self.users["dash"]
        profile = os.path.join(home, ".profile")
        self.addCleanup(lambda: os.path.exists(profile) and os.unlink(profile))
        started = os.path.join(home, "profile-started")
        with open(profile, "w") as f:
            f.write(f"touch {started}; sleep 3\n")
        p = subprocess.Popen([testbed.harness.dust_bin(), "-F", cfg, "@worker0", "echo ran"], env=self.sandbox.env(),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        deadline = time.monotonic() + 20
        while not os.path.exists(started) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(os.path.exists(started), "the shell never started")
        time.sleep(0.3)  # the setup line and the command have gone out; the profile sleeps
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=15)
        self.assertNotEqual(p.returncode, 0, out + err)
        self.assertEqual(out, "")
        self.assertIn("interrupted while its shell started", err)
        os.unlink(profile)
        r = self.dust("-F", cfg, "@worker0", "echo next", input="")
        self.assertEqual((r.rc, r.out), (0, "[worker0] next\n"), r.err)

    def test_zsh_raw_mode_and_back(self):
        user, home, cfg = self.users["zsh"]
        c = self.spawn("-F", cfg, timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker0")
        c.expect(r"rawshell:worker0:\S*\$ ")
        c.send("cd /var\r")
        c.expect(r"rawshell:worker0:/var\$ ")
        c.send("\x03\x03\x03")
        c.expect("back in dust")
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker0 pwd; echo $ZSH_NAME")
        c.expect(r"\[worker0\] /var")
        c.expect(r"\[worker0\] zsh")
        c.sendline("exit")


if __name__ == "__main__":
    testbed.main()
