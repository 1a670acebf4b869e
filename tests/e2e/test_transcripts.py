"""E2E: per-node transcripts (issue 11 §6) — `dust --log-dir DIR`, `logdir DIR|off` and `log_dir:` in config.yaml,
through the real dust binary: DIR/<node>.log records (timestamped lines sent, output, exit status, errors, raw-mode
bytes, put outcomes), DIR/last.ok and DIR/last.failed, file modes, and clear errors for a DIR that cannot be used."""
import datetime
import os
import re
import shutil
import stat
import tempfile
import time

import testbed

RECORD = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z (.)(?: (.*))?$")


def records(path):
    """[(time, mark, text)] of a transcript; every line must be a timestamped record."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f.read().splitlines():
            m = RECORD.match(line)
            assert m, f"not a transcript record: {line!r} in {path}"
            when = datetime.datetime.strptime(m[1], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
            out.append((when, m[2], m[3] or ""))
    return out


def marks(path):
    """(mark, text) of each record but notices ('#': host keys recorded on first contact, …)."""
    return [(mark, text) for _, mark, text in records(path) if mark != "#"]


def read(path):
    with open(path, newline="") as f:  # raw-mode bytes keep their \r
        return f.read()


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def wait_for_file(path, want, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and read(path) == want:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path}: {read(path) if os.path.exists(path) else '(missing)'!r}, want {want!r}")


class Transcripts(testbed.SandboxTestCase):
    HOSTS = 3  # master, worker0, worker1

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="dust-logdir-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def test_one_shot_records_each_node_with_utc_timestamps_and_last_ok_failed(self):
        logs = os.path.join(self.tmpdir(), "logs", "run")  # missing parents are created too
        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
        r = self.dust("--log-dir", logs, "@worker[0-1]", 'echo "hi from $(hostname)"; test "$(hostname)" = worker0')
        after = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertEqual(mode(logs), 0o700)
        self.assertEqual(sorted(os.listdir(logs)), ["last.failed", "last.ok", "worker0.log", "worker1.log"])
        for f in os.listdir(logs):
            self.assertEqual(mode(os.path.join(logs, f)), 0o600, f)
        line = 'echo "hi from $(hostname)"; test "$(hostname)" = worker0'
        self.assertEqual(marks(os.path.join(logs, "worker0.log")),
                         [("$", line), ("|", "hi from worker0"), ("=", "exit 0")])
        self.assertEqual(marks(os.path.join(logs, "worker1.log")),
                         [("$", line), ("|", "hi from worker1"), ("=", "exit 1")])
        times = [w for w, _, _ in records(os.path.join(logs, "worker0.log"))]
        self.assertTrue(all(before <= t <= after for t in times), (before, times, after))
        self.assertEqual(times, sorted(times))
        self.assertEqual(read(os.path.join(logs, "last.ok")), "worker0\n")
        self.assertEqual(read(os.path.join(logs, "last.failed")), "worker1\n")

        # A second run appends; a put's per-node outcome is recorded and is the last command.
        src = os.path.join(self.tmpdir(), "payload.txt")
        with open(src, "w") as f:
            f.write("x\n")
        r = self.dust("--log-dir", logs, "put", "worker[0-1]", src, "/tmp")
        self.assertEqual(r.rc, 0, r.out + r.err)
        got = marks(os.path.join(logs, "worker1.log"))
        self.assertEqual(got[:3], [("$", line), ("|", "hi from worker1"), ("=", "exit 1")])
        self.assertEqual(got[3][0], "=")
        self.assertRegex(got[3][1], rf"^put {re.escape(src)} → /tmp/payload.txt")
        self.assertEqual(read(os.path.join(logs, "last.ok")), "worker0\nworker1\n")
        self.assertEqual(read(os.path.join(logs, "last.failed")), "")

    def test_a_dir_that_cannot_be_used_is_a_clear_error_and_nothing_runs(self):
        d = self.tmpdir()
        afile = os.path.join(d, "afile")
        with open(afile, "w") as f:
            f.write("keep\n")
        r = self.dust("--log-dir", afile, "@worker0", "touch /tmp/dust-logdir-must-not-run")
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn(f"log dir {afile}: {afile} is not a directory", r.err)
        self.assertEqual(r.out, "")
        self.assertEqual(read(afile), "keep\n")
        r = self.dust("--log-dir", os.path.join(afile, "sub"), "@worker0", "true")
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn("is not a directory", r.err)
        # In a script: the error names the dir, the transcript in use stays.
        good = os.path.join(d, "good")
        r = self.dust(input=f"logdir {good}\nlogdir {afile}\nlogdir\n@worker0 echo still-recorded\n")
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn(f"log dir {afile}: {afile} is not a directory", r.err)
        self.assertEqual(r.out.count(f"logdir {good}\n"), 2, r.out)
        self.assertIn(("|", "still-recorded"), marks(os.path.join(good, "worker0.log")))
        self.assertEqual(sorted(os.listdir(d)), ["afile", "good"])

    def test_log_dir_key_of_config_yaml(self):
        logs = os.path.join(self.tmpdir(), "from-config")
        cfg = os.path.join(self.sandbox.dust_home, "config.yaml")
        os.makedirs(self.sandbox.dust_home, exist_ok=True)
        self.assertFalse(os.path.exists(cfg))
        with open(cfg, "w") as f:
            f.write(f"log_dir: {logs}\n")
        self.addCleanup(os.remove, cfg)
        r = self.dust("@master", "echo configured")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(marks(os.path.join(logs, "master.log")),
                         [("$", "echo configured"), ("|", "configured"), ("=", "exit 0")])
        # --log-dir wins over the config.
        other = os.path.join(self.tmpdir(), "from-flag")
        r = self.dust("--log-dir", other, "@master", "true")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(marks(os.path.join(other, "master.log")), [("$", "true"), ("=", "exit 0")])
        self.assertEqual(len(marks(os.path.join(logs, "master.log"))), 3)

    def test_interactive_logdir_input_lines_raw_mode_and_off(self):
        logs = os.path.join(self.tmpdir(), "live")
        c = self.spawn(timeout=20)
        c.expect(r"dust:\S*\$ ")
        c.sendline("logdir")
        c.expect("logdir off")
        c.sendline(f"logdir {logs}")
        c.expect(f"logdir {re.escape(logs)}")
        # Interactive @ returns at once; last.* appear when the command has ended on every node.
        c.sendline('@worker[0-1] echo "live $(hostname)"; test "$(hostname)" = worker1')
        wait_for_file(os.path.join(logs, "last.failed"), "worker0\n")
        self.assertEqual(read(os.path.join(logs, "last.ok")), "worker1\n")
        # A line that is input to a running program is recorded as input ('>'), then its output and exit.
        c.sendline('@worker0 read -p "Continue? [Y/n] " a; echo "got $a"')
        c.expect(r"\[worker0\] Continue\? \[Y/n\]")
        c.sendline("@worker0 Y")
        c.expect(r"\[worker0\] got Y")
        wait_for_file(os.path.join(logs, "last.ok"), "worker0\n")
        got = marks(os.path.join(logs, "worker0.log"))
        self.assertIn(("$", 'read -p "Continue? [Y/n] " a; echo "got $a"'), got)
        self.assertIn((">", "Y"), got)
        self.assertEqual(got[-2:], [("|", "got Y"), ("=", "exit 0")])
        self.assertLess(got.index((">", "Y")), got.index(("|", "got Y")))
        # Raw mode: the node's bytes as received, between attach and detach marks.
        c.sendline("@worker1")
        c.expect(r"rawshell:worker1:\S*\$ ")
        c.send("echo raw-$((6*7))\r")
        c.expect("raw-42\r\n")
        c.expect(r"rawshell:worker1:\S*\$ ")
        c.send("\x03\x03\x03")
        c.expect("back in dust")
        c.expect(r"dust:\S*\$ ")
        text = read(os.path.join(logs, "worker1.log"))
        self.assertRegex(text, r"Z # raw mode attached \(bytes as received follow\)\n")
        self.assertIn("raw-42\r\n", text)
        self.assertRegex(text, r"\n\d{4}-[^\n]*Z # raw mode detached\n$")
        self.assertLess(text.index("raw mode attached"), text.index("raw-42"))
        # off: nothing more is recorded.
        c.sendline("logdir off")
        c.expect("logdir off")
        c.sendline("@worker0 echo after-off")
        c.expect(r"\[worker0\] after-off")
        time.sleep(0.3)
        self.assertNotIn("after-off", read(os.path.join(logs, "worker0.log")))
        c.sendline("exit")
        for f in os.listdir(logs):
            self.assertEqual(mode(os.path.join(logs, f)), 0o600, f)


if __name__ == "__main__":
    testbed.main()
