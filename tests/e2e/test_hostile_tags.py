"""E2E: tags from outside never become paths or code (issue 20, items 1, 4) — the real dust binary against
moto instances with hostile Name tags (the per-node `get` folder, the Ansible inventory, read back by
ansible-inventory itself). A node's hostile bytes in a transfer: test_hostile_tree."""
import json
import os
import shutil
import subprocess
import tempfile

import testbed



def files_under(root):
    """Every file and directory below root, as paths relative to it."""
    out = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


class HostileTags(testbed.SandboxTestCase):
    HOSTS = 2

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
