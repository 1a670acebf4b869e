"""E2E: ssh failure behaviour (issue 3) — refused, black-holed, stalled after its banner, host dying
mid-command, lost idle session, changed host key,
output flood — each named per node while the other nodes finish normally and on time."""
import os
import subprocess
import time

import testbed
from testbed import procs
from testbed.harness import dust_bin


def lines_of(out, node):
    return [l[len(node) + 3:] for l in out.splitlines() if l.startswith(f"[{node}] ")]


class Faults(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2

    def test_connection_refused_is_named_and_others_finish(self):
        h = self.sandbox.host("master")
        h.kill_listener()
        try:
            r = self.dust("@master,worker0", "hostname")
        finally:
            h.restart()
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"], r.out)
        self.assertRegex(r.err, r"\[master\] error: .*(refused|Connection refused)")
        self.assertEqual(r.rc, 255)

    def test_black_holed_host_times_out_without_delaying_others(self):
        h = self.sandbox.host("worker1")
        h.blackhole(True)
        try:
            t0 = time.monotonic()
            r = self.dust("@worker[0-1]", "hostname", timeout=40)
            took = time.monotonic() - t0
        finally:
            h.blackhole(False)
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"], r.out + r.err)
        self.assertRegex(r.err, r"\[worker1\] error: connection timed out after 10 s")
        self.assertLess(took, 16)
        self.assertGreater(took, 9)

    def test_connect_timeout_from_the_ssh_config_is_per_host(self):
        h = self.sandbox.host("worker1")
        cfg = os.path.join(self.sandbox.dir, "short_timeout_config")
        with open(self.sandbox.ssh_config) as src, open(cfg, "w") as dst:
            dst.write(src.read() + f"Host {h.ip}\n    ConnectTimeout 3\n")
        h.blackhole(True)
        try:
            t0 = time.monotonic()
            r = self.dust("-F", cfg, "@worker[0-1]", "hostname", timeout=40)
            took = time.monotonic() - t0
        finally:
            h.blackhole(False)
            os.remove(cfg)
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"], r.out + r.err)
        self.assertRegex(r.err, r"\[worker1\] error: connection timed out after 3 s")
        self.assertLess(took, 8)

    def test_server_that_answers_but_stalls_gets_a_grace_period_then_is_named(self):
        # A host whose sshd sent its banner is alive, only slow (a loaded machine, hundreds of handshakes
        # at once): it is not dropped at connect_timeout (10 s) but 30 s later.
        h = self.sandbox.host("worker2")
        h.stall_after_banner()
        try:
            t0 = time.monotonic()
            r = self.dust("@worker[1-2]", "hostname", timeout=90)
            took = time.monotonic() - t0
        finally:
            h.restart()
        self.assertEqual(lines_of(r.out, "worker1"), ["worker1"], r.out + r.err)
        self.assertRegex(r.err, r"\[worker2\] error: ssh handshake timed out after 40 s")
        self.assertEqual(r.rc, 255)
        self.assertGreater(took, 38)
        self.assertLess(took, 55)

    def test_host_dying_mid_command(self):
        h = self.sandbox.host("worker2")
        env = self.sandbox.env()
        p = subprocess.Popen([dust_bin(), "@worker[0,2]", "sleep 3; echo finished"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        h.kill()
        try:
            out, err = p.communicate(timeout=30)
        finally:
            h.restart()
        self.assertEqual(lines_of(out, "worker0"), ["finished"], out + err)
        self.assertRegex(err, r"\[worker2\] error: connection lost")
        self.assertNotEqual(p.returncode, 0)

    def test_lost_session_is_named_while_idle_and_reconnects_saying_state_was_lost(self):
        h = self.sandbox.host("worker1")
        c = self.spawn(timeout=30)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker1 cd /tmp && pwd")
        c.expect(r"\[worker1\] /tmp")
        h.kill()  # every sshd process of the host goes: the idle session's connection drops
        try:
            c.expect(r"\[worker1\] (error: connection lost|session closed)")
        finally:
            h.restart()
        c.sendline("@worker1 pwd; hostname")
        c.expect(r"\[worker1\] reconnecting: the previous shell's state \(cwd, environment, jobs\) was lost")
        c.expect(r"\[worker1\] (/\S*)\r?\n")
        self.assertNotEqual(c.match.group(1), "/tmp")  # a new login shell, in the home directory
        c.expect(r"\[worker1\] worker1")
        # The new session keeps state again.
        c.sendline("@worker1 cd /var && pwd")
        c.expect(r"\[worker1\] /var")
        c.sendline("@worker1 pwd")
        c.expect(r"\[worker1\] /var")
        c.sendline("exit")

    def test_changed_host_key_is_refused_with_its_fingerprint(self):
        r = self.dust("@worker0", "true")
        self.assertEqual(r.rc, 0, r.err)
        h = self.sandbox.host("worker0")
        h.restart(new_host_key=True)
        r = self.dust("@worker0,master", "hostname")
        self.assertIn("HOST KEY CHANGED", r.err)
        self.assertIn(h.fingerprint(), r.err)
        self.assertEqual(lines_of(r.out, "master"), ["master"])
        self.assertEqual(lines_of(r.out, "worker0"), [])
        self.assertEqual(r.rc, 255)
        os.remove(self.sandbox.known_hosts)  # leave the class's hosts usable

    # One-shot mode prints every line (issue 10 item 2): a flood is not summarised but paced by the reader
    # (bounded reads, ssh window), so dust's memory stays bounded and the other nodes stay on time. Line mode
    # turns the remote pty's output processing off (`stty -opost`), so a flood arrives at tens of MB/s.
    # (The interactive shell's summary of a flood: test_ssh_hardening.)
    # Under `make asan` (DUST_SANITIZED) ASan holds freed memory in a quarantine: a small quarantine and a
    # looser bound, which still fails if dust kept what it printed (half the flood).
    SANITIZED = bool(os.environ.get("DUST_SANITIZED"))
    # (ASan's own floor is ~50 MB, so its flood is larger: a bound of half of it still means something.)
    FLOOD_BYTES = (256 << 20) if SANITIZED else 64 << 20
    RSS_LIMIT_KB = (FLOOD_BYTES >> 11) if SANITIZED else 40 * 1024

    def test_flood_in_one_shot_is_printed_whole_with_memory_bounded_and_other_nodes_on_time(self):
        cmd = (f'if [ "$(hostname)" = worker0 ]; then yes | head -c {self.FLOOD_BYTES}; echo flood-end; '
               'else sleep 1; echo quick; fi')
        env = self.sandbox.env()
        if self.SANITIZED:
            env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16"
        t0 = time.monotonic()
        p = subprocess.Popen([dust_bin(), "@worker[0-1]", cmd], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        peak = procs.PeakRss(p.pid)
        quick_at = None
        ys = 0
        tail = b""
        while True:
            chunk = p.stdout.read1(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            if quick_at is None and b"[worker1] quick\n" in buf:
                quick_at = time.monotonic() - t0
            # Whole "[worker0] y" lines only: a cut or emptied line would not count.
            cut = buf.rfind(b"\n") + 1
            ys += buf[:cut].count(b"[worker0] y\n")
            tail = buf[cut:]
        err = p.stderr.read().decode()
        p.wait(timeout=300)
        took = time.monotonic() - t0
        peak_kb = peak.wait()
        print(f"\nflood: {self.FLOOD_BYTES >> 20} MiB in {took:.1f} s, other node answered after {quick_at:.1f} s, "
              f"dust's peak RSS {peak_kb / 1024:.1f} MB", flush=True)
        self.assertEqual(p.returncode, 0, err[-2000:])
        self.assertEqual(ys, self.FLOOD_BYTES // 2, "every line of the flood printed, none cut")
        self.assertNotIn("not shown", err)
        self.assertIsNotNone(quick_at)
        self.assertLess(quick_at, 6)
        self.assertGreater(peak_kb, 0)
        self.assertLess(peak_kb, self.RSS_LIMIT_KB)  # bounded: the reader's pace slows the channel

if __name__ == "__main__":
    testbed.main()
