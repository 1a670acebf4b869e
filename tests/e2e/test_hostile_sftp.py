"""E2E: names and trees from outside never become paths or code (issue 20, items 1, 4, 8) — the real dust
binary against a hostile SFTP server (tests/testbed/hostile_sftp.py as master's `Subsystem sftp`: traversal
names, an endless tree, a symlink loop; a directory reached through a glob is walked over SFTP, as
`get -r` of a plain path is one tar stream instead, see test_hostile_tree) and moto instances with hostile Name tags (the per-node `get`
folder, the Ansible inventory, read back by ansible-inventory itself)."""
import json
import os
import shutil
import subprocess
import tempfile
import time

import testbed

HOSTILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "testbed", "hostile_sftp.py")


def files_under(root):
    """Every file and directory below root, as paths relative to it."""
    out = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


class HostileSftp(testbed.SandboxTestCase):
    HOSTS = 2  # master (hostile SFTP server), worker0 (OpenSSH's internal-sftp)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The system Python: each host's /root (where pyenv's lives) is a directory of its own.
        cls.sandbox.host("master").use_sftp(f"/usr/bin/python3 {HOSTILE}")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dust-hostile-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        # Deep below tmp: "../../../../x" from <out>/master/trav would land inside tmp, where we look.
        self.out = os.path.join(self.tmp, "a", "b", "c", "d", "out")
        os.makedirs(self.out)

    def assertOnlyBelow(self, folder):
        """Nothing was written in tmp outside `folder` (relative to tmp)."""
        stray = [p for p in files_under(self.tmp)
                 if not (p == folder or p.startswith(folder + "/") or folder.startswith(p + "/"))]
        self.assertEqual(stray, [], "written outside the destination")

    # -- item 1: traversal in names the server lists ------------------------------------------------
    def test_traversal_names_are_refused_each_named_and_nothing_lands_outside(self):
        r = self.dust("get", "-r", "master", "/tra[v]", self.out)
        self.assertEqual(r.rc, 1, r.out + r.err)
        line = [l for l in r.err.splitlines() if l.startswith("[master] get failed:")]
        self.assertEqual(len(line), 1, r.err)
        for name, why in (('"../../../../x"', "not one path component"), ('"a/b"', "not one path component"),
                          ('"/abs"', "not one path component"), ('""', "an empty name"),
                          ('"sub/../../y"', "not one path component")):
            self.assertIn(f'"/trav": refused the name {name}: {why}', line[0])
        self.assertIn("5 entries not copied", line[0])
        with open(os.path.join(self.out, "master", "trav", "ok.txt"), "rb") as f:
            self.assertEqual(f.read(), b"hostile\n")
        self.assertOnlyBelow("a/b/c/d/out/master/trav")
        self.assertEqual(files_under(os.path.join(self.out, "master")), ["trav", "trav/ok.txt"])

    def test_glob_matches_are_checked_too(self):
        r = self.dust("get", "master", "/trav/*", self.out)  # fnmatch's '*' matches a '/'
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn('"/trav": refused the name "a/b": not one path component', r.err)
        self.assertIn('refused the name "sub/../../y"', r.err)
        self.assertOnlyBelow("a/b/c/d/out/master")
        self.assertEqual(files_under(os.path.join(self.out, "master")), ["ok.txt"])

    # -- item 8: endless trees, loops, Ctrl-C -------------------------------------------------------
    def test_endless_tree_stops_at_64_levels_as_openssh_sftp(self):
        t = time.monotonic()
        r = self.dust("get", "-r", "master", "/endles[s]", self.out, timeout=120)
        self.assertEqual(r.rc, 1, r.out + r.err[-2000:])  # no crash (was SIGSEGV: recursion on the depth)
        self.assertIn("more than 64 directory levels, not copied", r.err)
        self.assertLess(time.monotonic() - t, 60)
        got = files_under(os.path.join(self.out, "master"))
        # Levels 0..63 copied, each with its file: /endless/f, /endless/d/f, ... 63 d's deep.
        self.assertEqual(sum(1 for p in got if p.endswith("/f")), 64)
        self.assertIn("endless/" + "d/" * 63 + "f", got)
        self.assertNotIn("endless/" + "d/" * 64 + "f", got)

    def test_symlink_loop_is_not_followed(self):
        r = self.dust("get", "-r", "master", "/loo[p]", self.out, timeout=60)
        self.assertEqual(r.rc, 1, r.out + r.err[-2000:])
        self.assertIn('"/loop/loop": a symlink loop (it leads back to "/loop"), not followed', r.err)
        self.assertIn('"/loop/up": a symlink loop (it leads back to "/"), not followed', r.err)
        self.assertEqual(files_under(os.path.join(self.out, "master")), ["loop", "loop/f"])

    def test_ctrl_c_stops_a_long_walk_within_a_second(self):
        child = self.spawn(timeout=20)  # interactive: the walk runs in the dust server
        child.expect(r"dust:us-east-1\$ ")
        child.sendline(f"get -r master '/slo[w]' {self.out}")
        time.sleep(2.0)  # a few directories into a walk of 64 x 0.1 s (and more)
        child.sendintr()
        t = time.monotonic()
        child.expect(r"\[master\] get failed: interrupted")
        self.assertLess(time.monotonic() - t, 1.0)
        child.expect(r"dust:us-east-1\$ ")
        child.sendline("show master")  # the server goes on
        child.expect(r"master\s+t2\.small\s+running")
        child.expect(r"dust:us-east-1\$ ")
        self.assertFalse(any(p.endswith(".dust-part") for p in files_under(self.tmp)))

    # -- item 1: hostile Name tags and the per-node folder -----------------------------------------
    def retag(self, name):
        inst = self.sandbox.instance("worker0")
        self.sandbox.ec2.create_tags(Resources=[inst.id], Tags=[{"Key": "Name", "Value": name}])
        self.addCleanup(self.sandbox.ec2.create_tags, Resources=[inst.id],
                        Tags=[{"Key": "Name", "Value": "worker0"}])
        return inst.id

    def test_hostile_name_tags_never_leave_the_get_folder(self):
        src_dir = tempfile.mkdtemp(prefix="dust-hostile-src-")  # on worker0 too: the hosts share files
        self.addCleanup(shutil.rmtree, src_dir, True)
        src = os.path.join(src_dir, "src.txt")
        with open(src, "w") as f:
            f.write("from worker0\n")
        for name in ("..", "a/../../b", "/x", "../../../../evil", "red\x1b[31m", "tab\tname"):
            with self.subTest(name=name):
                iid = self.retag(name)
                shutil.rmtree(self.out)
                os.makedirs(self.out)
                r = self.dust("get", f"id={iid}", src, self.out)
                self.assertEqual(r.rc, 0, r.out + r.err)
                with open(os.path.join(self.out, iid, "src.txt")) as f:
                    self.assertEqual(f.read(), "from worker0\n")
                self.assertEqual(files_under(self.out), [iid, f"{iid}/src.txt"])
                self.assertOnlyBelow("a/b/c/d/out")
                r = self.dust("get", "-s", f"id={iid}", src, self.out)  # <dir>/<file>.<node>
                self.assertEqual(r.rc, 0, r.out + r.err)
                self.assertTrue(os.path.exists(os.path.join(self.out, f"src.txt.{iid}")))
                self.assertOnlyBelow("a/b/c/d/out")
        iid = self.retag("plain-name")
        r = self.dust("get", f"id={iid}", src, self.out)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertTrue(os.path.exists(os.path.join(self.out, "plain-name", "src.txt")))

    # -- item 4: the Ansible inventory --------------------------------------------------------------
    def test_inventory_name_tag_cannot_inject_ansible_variables_or_groups(self):
        evil = ("web ansible_ssh_common_args='-oProxyCommand=touch /tmp/pwned' ansible_host=6.6.6.6\n"
                "[evil]\nlocalhost ansible_connection=local #")
        iid = self.retag(evil)
        self.sandbox.ec2.create_tags(Resources=[iid], Tags=[{"Key": "x y=1 #\n[g]", "Value": "v\nz=2"}])
        self.addCleanup(self.sandbox.ec2.delete_tags, Resources=[iid], Tags=[{"Key": "x y=1 #\n[g]"}])
        path = os.path.join(self.tmp, "inventory.ini")
        r = self.dust("inventory", f"id={iid},master", path)
        self.assertEqual(r.rc, 0, r.out + r.err)
        # Ansible's own INI parser is the judge.
        p = subprocess.run(["ansible-inventory", "-i", path, "--list"], capture_output=True, text=True,
                           timeout=120, env={**os.environ, "HOME": self.tmp,
                                             "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
        self.assertEqual(p.returncode, 0, p.stderr)
        inv = json.loads(p.stdout)
        hostvars = inv["_meta"]["hostvars"]
        self.assertEqual(len(hostvars), 2, hostvars)
        worker = self.sandbox.instance("worker0")
        for host, v in hostvars.items():
            self.assertLessEqual(set(v), {"ansible_host", "ansible_user", "ansible_port"}, host)
        self.assertIn(worker.ip, [v["ansible_host"] for v in hostvars.values()])
        self.assertNotIn("6.6.6.6", [v["ansible_host"] for v in hostvars.values()])
        self.assertNotIn("evil", inv)
        self.assertNotIn("localhost", hostvars)
        self.assertNotIn("g", inv)


if __name__ == "__main__":
    testbed.main()
