"""E2E: put/get over a long round trip (issue 22) — the real dust binary reaching each host through the
delay proxy (tests/testbed/delay_proxy.py, RTT 200 ms), asserting the mechanisms by counting, never by
timing: a plain put or get opens no SFTP channel (whose blocking calls made every node wait for every
node's round trips; each host's SFTP server is a wrapper that counts its starts), an upload keeps a whole channel
window in flight (not one SFTP write), and a download keeps more bytes in flight than libssh's own
receive window could (its window is grown with the measured round trip)."""
import os
import resource
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import testbed
from testbed.delay_proxy import DelayProxy

RTT_MS = 200
LIBSSH_WINDOW = 1_280_000  # libssh 0.10's channel receive window (WINDOWBASE)
SFTP_WRITE = 255 * 1024  # what one sftp_write kept in flight
SIZE = 24_000_000
SFTP_SERVER = "/usr/lib/openssh/sftp-server"


class TransferOverDistance(testbed.SandboxTestCase):
    HOSTS = 3  # master, worker0..1
    NODES = ("worker0", "worker1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One proxy per host on this namespace's loopback; an ssh config whose first block sends each
        # host's connections there.
        cls.proxies = {}
        cls.counts = {}
        lines = []
        for name in cls.NODES:
            h = cls.sandbox.host(name)
            # Each SFTP channel the node serves adds a line to its count file (sshd logs subsystem
            # requests only at VERBOSE).
            cls.counts[name] = os.path.join(cls.sandbox.dir, f"sftp-count-{name}")
            wrapper = cls.counts[name] + ".sh"
            with open(wrapper, "w") as f:
                f.write(f"#!/bin/sh\necho sftp >> '{cls.counts[name]}'\nexec {SFTP_SERVER}\n")
            os.chmod(wrapper, 0o755)
            h.use_sftp(wrapper)
            p = DelayProxy(22, RTT_MS, listen_host="127.0.0.1", upstream_host=h.ip).start()
            cls.proxies[name] = p
            lines += [f"Host {h.ip}", "    HostName 127.0.0.1", f"    Port {p.port}"]
        cls.config = os.path.join(cls.sandbox.dir, "delayed_ssh_config")
        with open(cls.sandbox.ssh_config) as src, open(cls.config, "w") as dst:
            dst.write("\n".join(lines) + "\n" + src.read())

    @classmethod
    def tearDownClass(cls):
        for p in cls.proxies.values():
            p.stop()
        for name in cls.NODES:
            cls.sandbox.host(name).use_sftp(None)
        super().tearDownClass()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dust-xfer-rtt-")
        os.chmod(self.tmp, 0o755)
        self.addCleanup(shutil.rmtree, self.tmp, True)
        for p in self.proxies.values():
            p.reset_stats()

    def sftp_requests(self):
        """SFTP channels each node served so far."""
        out = {}
        for n, path in self.counts.items():
            try:
                with open(path) as f:
                    out[n] = f.read().count("sftp")
            except FileNotFoundError:
                out[n] = 0
        return out

    def stats(self):
        return {n: p.stats() for n, p in self.proxies.items()}

    def test_put_of_a_file_takes_no_sftp_round_trip_and_keeps_a_window_in_flight(self):
        src = os.path.join(self.tmp, "big.dat")
        with open(src, "wb") as f:
            f.write(os.urandom(SIZE))
        os.chmod(src, 0o640)
        dst = os.path.join(self.tmp, "dst")
        os.makedirs(dst)
        before = self.sftp_requests()
        r = self.dust("-F", self.config, "put", "worker[0-1]", src, dst, timeout=120)
        self.assertEqual(r.rc, 0, r.out + r.err)
        for node in self.NODES:
            self.assertRegex(r.out, rf"\[{node}\] put {src} → {dst}/big.dat \(24\.0 MB, ")
        self.assertEqual(testbed.sha256_of(os.path.join(dst, "big.dat")), testbed.sha256_of(src))
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(dst, "big.dat")).st_mode), 0o640)
        self.assertEqual(os.listdir(dst), ["big.dat"])
        self.assertEqual(self.sftp_requests(), before, "no SFTP subsystem: no blocking round trip")
        for node, s in self.stats().items():
            self.assertEqual(s["connections"], 1, node)
            # OpenSSH's 2 MB session window in flight at once, not one 255 KiB write per round trip.
            self.assertGreater(s["max_in_flight_up"], 4 * SFTP_WRITE, f"{node}: {s}")

    def test_put_of_a_file_into_the_login_directory_names_it(self):
        src = os.path.join(self.tmp, "small.txt")
        with open(src, "w") as f:
            f.write("hello\n")
        before = self.sftp_requests()
        r = self.dust("-F", self.config, "put", "worker0", src, timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertRegex(r.out, rf"\[worker0\] put {src} → /\S*/small\.txt \(6 B, ")
        self.assertEqual(self.sftp_requests(), before)

    def test_get_of_a_file_takes_no_sftp_round_trip_and_grows_the_window(self):
        src = os.path.join(self.tmp, "remote.dat")
        with open(src, "wb") as f:
            f.write(os.urandom(SIZE))
        os.chmod(src, 0o604)
        out = os.path.join(self.tmp, "out")
        before = self.sftp_requests()
        r = self.dust("-F", self.config, "get", "worker[0-1]", src, out, timeout=120)
        self.assertEqual(r.rc, 0, r.out + r.err)
        for node in self.NODES:
            got = os.path.join(out, node, "remote.dat")
            self.assertRegex(r.out, rf"\[{node}\] get {src} → {got} \(24\.0 MB, ")
            self.assertEqual(testbed.sha256_of(got), testbed.sha256_of(src))
            self.assertEqual(stat.S_IMODE(os.stat(got).st_mode), 0o604)
            self.assertEqual(sorted(os.listdir(os.path.join(out, node))), ["remote.dat"])
        self.assertEqual(self.sftp_requests(), before, "no SFTP subsystem: no blocking round trip")
        for node, s in self.stats().items():
            self.assertEqual(s["connections"], 1, node)
            # More bytes held on the path at once than libssh's own window would ever let through.
            self.assertGreater(s["max_in_flight_down"], 2 * LIBSSH_WINDOW, f"{node}: {s}")

    def test_get_of_a_glob_or_a_tree_is_one_stream_with_no_sftp_and_a_window_in_flight(self):
        d = os.path.join(self.tmp, "remote")
        os.makedirs(d)
        big, small = os.path.join(d, "a.dat"), os.path.join(d, "b.dat")
        with open(big, "wb") as f:
            f.write(os.urandom(3_000_000))
        with open(small, "wb") as f:
            f.write(b"small\n")
        os.chmod(big, 0o600)
        out = os.path.join(self.tmp, "out")
        before = self.sftp_requests()
        r = self.dust("-F", self.config, "get", "worker[0-1]", os.path.join(d, "*.dat"), out, timeout=120)
        self.assertEqual(r.rc, 0, r.out + r.err)
        for node in self.NODES:
            self.assertIn(f"[{node}] get 2 files → {os.path.join(out, node)} (3.0 MB, ", r.out)
            self.assertEqual(testbed.sha256_of(os.path.join(out, node, "a.dat")), testbed.sha256_of(big))
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(out, node, "a.dat")).st_mode), 0o600)
            with open(os.path.join(out, node, "b.dat"), "rb") as f:
                self.assertEqual(f.read(), b"small\n")
        # The node's sh expands the glob and its tar sends the matches: no SFTP channel, and more bytes
        # on the path at once than libssh's own window would let through.
        self.assertEqual(self.sftp_requests(), before)
        for node, s in self.stats().items():
            self.assertGreater(s["max_in_flight_down"], 2 * LIBSSH_WINDOW, f"{node}: {s}")
        r = self.dust("-F", self.config, "get", "-r", "worker[0-1]", d, out, timeout=120)
        self.assertEqual(r.rc, 0, r.out + r.err)
        for node in self.NODES:
            self.assertIn(f"[{node}] get 2 files → {os.path.join(out, node)} (3.0 MB, ", r.out)
            self.assertEqual(testbed.sha256_of(os.path.join(out, node, "remote", "a.dat")), testbed.sha256_of(big))
        self.assertEqual(self.sftp_requests(), before)

    def test_an_empty_file_goes_both_ways(self):
        src = os.path.join(self.tmp, "empty")
        open(src, "w").close()
        os.chmod(src, 0o751)
        dst = os.path.join(self.tmp, "dst")
        os.makedirs(dst)
        r = self.dust("-F", self.config, "put", "worker0", src, os.path.join(dst, "e2"), timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(os.listdir(dst), ["e2"])
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(dst, "e2")).st_mode), 0o751)
        out = os.path.join(self.tmp, "out")
        r = self.dust("-F", self.config, "get", "worker0", os.path.join(dst, "e2"), out, timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        got = os.path.join(out, "worker0", "e2")
        self.assertEqual(os.path.getsize(got), 0)
        self.assertEqual(stat.S_IMODE(os.stat(got).st_mode), 0o751)

    def test_ctrl_c_mid_get_leaves_no_partial_file(self):
        src = os.path.join(self.tmp, "huge.dat")
        with open(src, "wb") as f:
            f.truncate(2_000_000_000)  # sparse: cheap to make, as costly as any other bytes to send
        out = os.path.join(self.tmp, "out")
        p = subprocess.Popen([testbed.dust_bin(), "-F", self.config, "get", "worker[0-1]", src, out],
                             env=self.sandbox.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        part = [os.path.join(out, n, "huge.dat.dust-part") for n in self.NODES]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(os.path.exists(x) and os.path.getsize(x) > 5_000_000 for x in part):
                break
            time.sleep(0.05)
        else:
            p.kill()
            self.fail("the download never started: " + p.communicate()[1])
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, err)
        for node in self.NODES:
            self.assertIn(f"[{node}] get failed: interrupted", err)
            self.assertEqual(os.listdir(os.path.join(out, node)), [])

    def test_a_node_done_early_costs_no_cpu_while_a_far_one_goes_on(self):
        """master is near (no proxy), worker0 200 ms away: master's transfer ends at once, and its login
        (no shell) then waits for worker0's. libssh kept a stale wish to write there and the loop spun
        on an always-writable socket (a whole CPU for the rest of the transfer); now dust's CPU stays a
        small part of the time the transfer takes."""
        src = os.path.join(self.tmp, "mixed.bin")
        with open(src, "wb") as f:
            f.write(os.urandom(6_000_000))
        copy = os.path.join(self.tmp, "mixed-copy.bin")
        for args in (["put", "master,worker0", src, copy],
                     ["get", "-f", "master,worker0", copy, os.path.join(self.tmp, "got")]):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            p = subprocess.run([testbed.dust_bin(), "-F", self.config, *args], env=self.sandbox.env(),
                               capture_output=True, text=True, timeout=120)
            wall = time.monotonic() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            self.assertEqual(p.returncode, 0, p.stderr)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            self.assertGreater(wall, 1.0, "worker0 is 200 ms away: the transfer takes many round trips")
            self.assertLess(cpu, 0.4 * wall, f"{args[0]}: dust used {cpu:.2f} s of CPU in {wall:.2f} s")

    def test_ctrl_c_while_a_large_stdin_travels_leaves_no_file(self):
        """A one-shot's stdin past 64 KiB goes to a file on each node first (transfer/stdin_job.h).
        Ctrl-C once the files exist: dust ends (130) at once, not a wait per node, the command runs
        nowhere, and no copy of the stdin stays on a node, whether its writer had all the bytes
        (removed by dust) or not (removed by the writer)."""
        def files():
            return [f for f in os.listdir("/tmp") if f.startswith("dust-stdin-")]
        before = set(files())
        p = subprocess.Popen([testbed.dust_bin(), "-F", self.config, "@worker[0-1]", "md5sum; echo ran"],
                             env=self.sandbox.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        p.stdin.write(os.urandom(8 << 20))
        p.stdin.close()
        p.stdin = None  # communicate() below must not flush it again
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(set(files()) - before) < 2:
            time.sleep(0.02)
        self.assertEqual(len(set(files()) - before), 2, "the two files never appeared")
        p.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        out, err = p.communicate(timeout=60)
        self.assertLess(time.monotonic() - t0, 10, "Ctrl-C waited")
        self.assertEqual(p.returncode, 130, err)
        self.assertIn(b"interrupted while stdin was on its way: the command ran on no node", err)
        self.assertNotIn(b"ran", out)
        deadline = time.monotonic() + 10  # a writer still finishing removes its own short file
        while time.monotonic() < deadline and set(files()) - before:
            time.sleep(0.1)
        self.assertEqual(set(files()) - before, set(), err)

    def test_get_failures_name_node_and_path_and_leave_nothing(self):
        out = os.path.join(self.tmp, "out")
        missing = os.path.join(self.tmp, "no-such-file")
        r = self.dust("-F", self.config, "get", "worker[0-1]", missing, out, timeout=60)
        self.assertEqual(r.rc, 1, r.out + r.err)
        for node in self.NODES:
            self.assertIn(f"[{node}] get failed: {missing}: no such file or directory", r.err)
        r = self.dust("-F", self.config, "get", "worker0", self.tmp, out, timeout=60)
        self.assertIn(f"[worker0] get failed: {self.tmp}: is a directory (use -r)", r.err)
        self.assertFalse(os.path.exists(out), "no local directory for a get that failed")


    def test_put_of_a_tree_opens_no_sftp_channel(self):
        # A directory of no files of its own, a lone small file, a batch of small ones, a large one.
        src = os.path.join(self.tmp, "tree")
        for d in ("empty/inner", "one", "many"):
            os.makedirs(os.path.join(src, d))
        files = {"one/lone.txt": b"lone\n", "many/a": b"a" * 100, "many/b": b"b" * 200,
                 "big.bin": os.urandom(1_500_000)}
        for name, data in files.items():
            with open(os.path.join(src, name), "wb") as f:
                f.write(data)
        os.chmod(os.path.join(src, "empty"), 0o750)
        before = self.sftp_requests()
        for node in self.NODES:
            dst = os.path.join(self.tmp, f"dst-{node}")
            os.makedirs(dst)
            r = self.dust("-F", self.config, "put", "-r", node, src, dst, timeout=120)
            self.assertEqual(r.rc, 0, r.out + r.err)
            self.assertIn(f"[{node}] put 4 files → {dst}", r.out)
            for name, data in files.items():
                with open(os.path.join(dst, "tree", name), "rb") as f:
                    self.assertEqual(f.read(), data, name)
            self.assertTrue(os.path.isdir(os.path.join(dst, "tree", "empty", "inner")))
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(dst, "tree", "empty")).st_mode), 0o750)
        self.assertEqual(self.sftp_requests(), before)
        r = self.dust("-F", self.config, "put", "-r", "worker0", src, os.path.join(self.tmp, "nowhere"), timeout=60)
        self.assertEqual(r.rc, 1)
        self.assertIn(f"{os.path.join(self.tmp, 'nowhere')}: no such directory", r.err)


if __name__ == "__main__":
    testbed.main()
