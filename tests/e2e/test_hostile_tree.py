"""E2E: `get -r` of a path is one tar stream that the node's find and tar send (src/transfer/tree_fetch.h) —
the real dust binary against a node whose `tar` is an attacker's (its ~/.bashrc puts a hostile tar first
in PATH, as an owned node could): names that climb out, absolute names, links to /etc, devices, an endless
stream to interrupt. Nothing lands outside the node's folder and each refusal is named. An honest node's
real trees: a symlink loop is skipped by find (named), a tree deeper than 64 levels is cut there (named),
and the transfer needs no SFTP channel."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

import testbed

HOSTILE_TAR = r'''#!/usr/bin/python3
# A hostile node's tar (testbed): ignores what it was asked and sends an attacker's archive.
import io, os, sys, tarfile, time
sys.stdin.read()
out = sys.stdout.buffer
where = os.path.basename(os.getcwd())

def member(name, kind=tarfile.REGTYPE, data=b"", link=""):
    ti = tarfile.TarInfo(name)
    ti.type, ti.linkname, ti.mode, ti.size = kind, link, 0o644, len(data) if kind == tarfile.REGTYPE else 0
    return ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None

if where == "slow":  # an endless stream, slowly: something to interrupt
    tf = tarfile.open(fileobj=out, mode="w|", format=tarfile.GNU_FORMAT)
    i = 0
    while True:
        tf.addfile(*member(f"./f{i}", data=b"x" * 1000))
        out.flush()
        i += 1
        time.sleep(0.05)
tf = tarfile.open(fileobj=out, mode="w|", format=tarfile.GNU_FORMAT)
for args in (("../../../../x", tarfile.REGTYPE, b"climbed\n"), ("/abs", tarfile.REGTYPE, b"absolute\n"),
             ("./sub/../../y", tarfile.REGTYPE, b"climbed\n"), ("./ln", tarfile.SYMTYPE, b"", "/etc"),
             ("./ln/evil", tarfile.REGTYPE, b"through the link?\n"), ("./hard", tarfile.LNKTYPE, b"", "/etc/passwd"),
             ("./dev", tarfile.CHRTYPE), ("./ok.txt", tarfile.REGTYPE, b"hostile\n"),
             ("./ok.txt", tarfile.REGTYPE, b"again\n")):
    tf.addfile(*member(*args))
tf.close()
'''


def files_under(root):
    out = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


class HostileTree(testbed.SandboxTestCase):
    HOSTS = 2  # master: a hostile tar; worker0: honest

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        home = cls.sandbox.host("master").home
        bindir = os.path.join(home, "hostile-bin")
        os.makedirs(bindir, exist_ok=True)
        with open(os.path.join(bindir, "tar"), "w") as f:
            f.write(HOSTILE_TAR)
        os.chmod(os.path.join(bindir, "tar"), 0o755)
        # bash reads ~/.bashrc for a command sshd runs: every exec request on master finds this tar.
        with open(os.path.join(home, ".bashrc"), "w") as f:
            f.write(f"export PATH={bindir}:$PATH\n")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dust-htree-")  # on the hosts too: they share /tmp
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.out = os.path.join(self.tmp, "a", "b", "c", "d", "out")
        os.makedirs(self.out)
        self.remote = os.path.join(self.tmp, "remote")
        for d in ("trav", "slow"):
            os.makedirs(os.path.join(self.remote, d))

    def assertOnlyBelow(self, folder):
        stray = [p for p in files_under(self.tmp)
                 if not (p == folder or p.startswith(folder + "/") or folder.startswith(p + "/")
                         or p == "remote" or p.startswith("remote/"))]
        self.assertEqual(stray, [], "written outside the destination")

    def test_climbing_names_links_and_devices_are_refused_each_named(self):
        r = self.dust("get", "-r", "master", os.path.join(self.remote, "trav"), self.out)
        self.assertEqual(r.rc, 1, r.out + r.err)
        line = [l for l in r.err.splitlines() if l.startswith("[master] get failed:")]
        self.assertEqual(len(line), 1, r.err)
        for name, why in (('"../../../../x"', "refused the name: not below the directory"),
                          ('"/abs"', "refused the name: not below the directory"),
                          ('"./sub/../../y"', "refused the name: not a file name"),
                          ('"ln"', "a link, not copied"), ('"hard"', "a link, not copied")):
            self.assertIn(f"{name}: {why}", line[0])
        self.assertIn("7 entries not copied", line[0])  # and 2 more: the device, the second ok.txt
        with open(os.path.join(self.out, "master", "trav", "ok.txt"), "rb") as f:
            self.assertEqual(f.read(), b"hostile\n")
        # "ln/evil" landed in a plain directory of dust's own below the folder, never through a link.
        self.assertFalse(os.path.islink(os.path.join(self.out, "master", "trav", "ln")))
        self.assertEqual(files_under(os.path.join(self.out, "master")),
                         ["trav", "trav/ln", "trav/ln/evil", "trav/ok.txt"])
        self.assertOnlyBelow("a/b/c/d/out/master/trav")

    def test_ctrl_c_stops_an_endless_stream_and_leaves_no_spool(self):
        child = self.spawn(timeout=20)
        child.expect(r"dust:us-east-1\$ ")
        child.sendline(f"get -r master {os.path.join(self.remote, 'slow')} {self.out}")
        time.sleep(2.0)
        child.sendintr()
        t = time.monotonic()
        child.expect(r"\[master\] get failed: interrupted")
        self.assertLess(time.monotonic() - t, 1.0)
        child.expect(r"dust:us-east-1\$ ")
        left = [p for p in files_under(self.out) if ".dust-" in p]
        self.assertEqual(left, [])

    def test_an_honest_tree_skips_a_symlink_loop_and_stops_at_64_levels_naming_both(self):
        src = os.path.join(self.remote, "honest")
        deep = os.path.join(src, *(["d"] * 70))
        os.makedirs(deep)
        p = src
        for level in range(71):
            with open(os.path.join(p, "f"), "w") as f:
                f.write(f"level {level}\n")
            p = os.path.join(p, "d")
        os.symlink("..", os.path.join(src, "d", "up"))  # leads back to src
        os.symlink("d/f", os.path.join(src, "via-link"))
        t = time.monotonic()
        r = self.dust("get", "-r", "worker0", src, self.out, timeout=120)
        self.assertEqual(r.rc, 1, r.out + r.err[-2000:])
        self.assertLess(time.monotonic() - t, 60)
        self.assertIn("File system loop detected", r.err)
        self.assertIn("more than 64 directory levels, not copied", r.err)
        got = files_under(os.path.join(self.out, "worker0"))
        self.assertEqual(sum(1 for x in got if x.endswith("/f")), 64)
        self.assertIn("honest/" + "d/" * 63 + "f", got)
        self.assertNotIn("honest/" + "d/" * 64 + "f", got)
        self.assertNotIn("honest/d/up", got)
        with open(os.path.join(self.out, "worker0", "honest", "via-link")) as f:
            self.assertEqual(f.read(), "level 1\n")  # a link to a file is followed, as sftp_stat did

    def test_a_tree_needs_no_sftp_channel(self):
        src = os.path.join(self.remote, "plain")
        os.makedirs(os.path.join(src, "sub"))
        for i in range(50):
            with open(os.path.join(src, "sub" if i % 2 else "", f"f{i}"), "w") as f:
                f.write(str(i) * 100)
        host = self.sandbox.host("worker0")
        before = host.log_size()
        r = self.dust("get", "-r", "worker0", src, self.out)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("50 files →", r.out + r.err)
        self.assertEqual(host.log_lines_since(before, "subsystem request for sftp"), [])
        for i in range(50):
            with open(os.path.join(self.out, "worker0", "plain", "sub" if i % 2 else "", f"f{i}")) as f:
                self.assertEqual(f.read(), str(i) * 100)
        r = self.dust("get", "-r", "worker0", src, self.out)  # the same again: every file exists
        self.assertEqual(r.rc, 1)
        self.assertIn("exists (use -f to overwrite)", r.err)
        r = self.dust("get", "-r", "-f", "worker0", src, self.out)
        self.assertEqual(r.rc, 0, r.out + r.err)


    def test_a_glob_is_a_tar_stream_too_and_checked_the_same(self):
        open(os.path.join(self.remote, "trav", "x.log"), "w").close()  # something for the node's sh to match
        r = self.dust("get", "master", os.path.join(self.remote, "trav", "*.log"), self.out)
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn('"../../../../x": refused the name: not below the directory', r.err)
        self.assertEqual(files_under(os.path.join(self.out, "master")), ["ln", "ln/evil", "ok.txt"])
        self.assertOnlyBelow("a/b/c/d/out/master")

    def test_an_honest_glob_names_a_directory_without_r_and_copies_the_rest(self):
        src = os.path.join(self.remote, "logs")
        os.makedirs(os.path.join(src, "old.log"))
        for n in ("a.log", "b.log", "c.txt", "old.log/x"):
            with open(os.path.join(src, n), "w") as f:
                f.write(n)
        r = self.dust("get", "worker0", os.path.join(src, "*.log"), self.out)
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("./old.log: is a directory (use -r), not copied", r.err)
        self.assertIn("copied: 2 files →", r.err)
        self.assertEqual(files_under(os.path.join(self.out, "worker0")), ["a.log", "b.log"])
        r = self.dust("get", "-r", "-s", "worker0", os.path.join(src, "*.log"), self.out)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("3 files →", r.out)
        for n in ("a.log.worker0", "b.log.worker0", "old.log.worker0/x"):
            with open(os.path.join(self.out, n)) as f:
                self.assertEqual(f.read(), n.replace(".worker0", ""))


    def endless_one_shot_then_sigterm(self):
        """A one-shot `get -r` of an endless stream, SIGTERMed after 2 s; returns its exit status."""
        p = subprocess.Popen([testbed.harness.dust_bin(), "get", "-r", "master", os.path.join(self.remote, "slow"),
                              self.out], env=self.sandbox.env(), stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.0)
        p.send_signal(signal.SIGTERM)
        return p.wait(timeout=10)

    def test_a_one_shot_that_goes_away_takes_its_transfer_with_it_and_leaves_no_spool(self):
        for server in (False, True):
            with self.subTest(server=server):
                if server:
                    self.addCleanup(self.sandbox.stop_dust_server)
                    self.assertEqual(self.dust("start-server").rc, 0)
                self.endless_one_shot_then_sigterm()
                # Through a server the line ran there: it stops too, so the next client is served at once.
                t = time.monotonic()
                r = self.dust("@worker0", "echo", "served", timeout=20)
                self.assertEqual(r.rc, 0, r.out + r.err)
                self.assertIn("served", r.out)
                self.assertNotIn("waiting for another dust client", r.err)
                self.assertLess(time.monotonic() - t, 5)
                # The spool had no name: nothing of it is left, with or without a server.
                self.assertEqual([p for p in files_under(self.out) if ".dust-" in p], [])
                if server:
                    self.sandbox.stop_dust_server()

    def test_suffix_layout_refuses_a_path_without_a_name(self):
        r = self.dust("get", "-r", "-s", "worker0", os.path.join(self.remote, "trav") + "/.", self.out)
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("-s needs a remote path that ends in a name", r.err)
        self.assertEqual(files_under(self.out), [])


if __name__ == "__main__":
    testbed.main()
