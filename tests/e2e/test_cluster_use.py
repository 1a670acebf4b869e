"""E2E: working with a cluster file — `use cluster`, friendly names, show grouping, absent nodes (issue 4)."""
import os

import testbed
from testbed import STACK


class UseCluster(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0-2 answer ssh

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        clusters = os.path.join(cls.sandbox.dust_home, "clusters")
        os.makedirs(clusters, exist_ok=True)
        w1 = cls.sandbox.instance("worker1").id
        # The original's format: a Name-tag selector, an id selector, and a node with no instance.
        with open(os.path.join(clusters, "nano1.yaml"), "w") as f:
            f.write(f"""cloud: {{provider: ec2, region: us-east-1}}
cluster: {{name: nano1, filter: "tags={STACK}:nano1"}}
nodes:
- {{nodename: head, selector: "tags=name:master", username: root}}
- {{nodename: w1, selector: "id={w1}", username: root}}
- {{nodename: ghost, selector: "tags=name:nosuchnode", username: root}}
""")

    def test_use_cluster_gives_friendly_names_and_prompt(self):
        r = self.dust(input="use cluster nano1\nshow\n")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("Showing nodes for cluster [nano1] in region [us-east-1]", r.err)
        self.assertIn("nano1:", r.out)
        self.assertRegex(r.out, r"\nhead\s+t2.small\s+running\s+" + self.sandbox.instance("master").id)
        self.assertRegex(r.out, r"\nw1\s+t2.micro\s+running\s+" + self.sandbox.instance("worker1").id)
        self.assertRegex(r.out, r"\nghost\s+absent")
        # worker0 matches the filter but the file does not name it: reported, as the original did.
        self.assertIn("not in the cluster file", r.out)
        self.assertIn(self.sandbox.instance("worker0").id, r.out)

    def test_targets_use_friendly_names(self):
        r = self.dust(input="use nano1\nshow w*\nshow cluster=nano1\n")
        self.assertEqual(r.rc, 0, r.err)
        tail = r.out.split("not in the cluster file")[-1]
        self.assertIn("w1 ", tail)  # show w* after use
        self.assertNotIn("worker2", r.out)

    def test_region_view_groups_unassigned_then_clusters(self):
        r = self.dust("show")
        self.assertEqual(r.rc, 0, r.err)
        self.assertLess(r.out.index("Unassigned:"), r.out.index("nano1:"))
        cluster_part = r.out[r.out.index("nano1:"):]
        self.assertIn(self.sandbox.instance("master").id, cluster_part)
        self.assertIn(self.sandbox.instance("worker1").id, cluster_part)
        self.assertNotIn(self.sandbox.instance("worker0").id, cluster_part)
        r = self.dust("show", "cluster=nano1")
        self.assertIn(self.sandbox.instance("worker1").id, r.out)
        self.assertNotIn(self.sandbox.instance("worker2").id, r.out)

    def test_use_lists_clusters_and_regions_and_prompt(self):
        r = self.dust("use")
        self.assertIn("nano1(us-east-1)", r.out)
        self.assertIn("us-west-2", r.out)
        child = self.spawn()
        child.expect_exact("dust:us-east-1$ ")
        child.sendline("use cluster nano1")
        child.expect_exact("dust:nano1$ ")
        child.sendline("use region us-east-1")
        child.expect_exact("dust:us-east-1$ ")
        child.sendline("exit")

    def test_assign_then_use_then_ssh_by_friendly_names(self):
        # nano1's file claims master and worker1, and assign leaves claimed instances out: set it aside.
        nano1 = os.path.join(self.sandbox.dust_home, "clusters", "nano1.yaml")
        os.rename(nano1, nano1 + ".aside")
        self.addCleanup(os.rename, nano1 + ".aside", nano1)
        r = self.dust("assign", f"tags={STACK}:nano1", "nano2", "user=root", "--yes")
        self.assertEqual(r.rc, 0, r.err)
        self.addCleanup(os.remove, os.path.join(self.sandbox.dust_home, "clusters", "nano2.yaml"))
        r = self.dust(input="use nano2\nshow\n@ hostname\n@worker* cd /tmp\n@w* pwd\n", timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("nano2:", r.out)
        for name in ("master", "worker0", "worker1"):
            self.assertIn(f"[{name}] {name}\n", r.out)  # friendly name = the host answering
        self.assertNotIn("[worker2]", r.out)  # not in the cluster
        self.assertIn("[worker0] /tmp\n", r.out)
        self.assertIn("[worker1] /tmp\n", r.out)

    def test_cluster_file_not_in_utf8_is_refused_naming_the_line(self):
        # Found by fuzz/cluster_file_fuzz: a Latin-1 byte was read as is and saved back as U+FFFD.
        path = os.path.join(self.sandbox.dust_home, "clusters", "latin1.yaml")
        text = ("cloud: {provider: ec2, region: us-east-1}\ncluster: {name: latin1}\nnodes:\n"
                "- {nodename: head, selector: \"tags=name:master\", username: r\xe9mi}\n").encode("latin-1")
        with open(path, "wb") as f:
            f.write(text)
        self.addCleanup(os.remove, path)
        r = self.dust("use", "latin1")
        self.assertNotEqual(r.rc, 0, r.out)
        self.assertIn("latin1.yaml:4: not valid UTF-8 (byte 0xe9); save the file as UTF-8", r.err)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), text)

    def test_unknown_cluster(self):
        r = self.dust("use", "cluster", "nope")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("nope", r.err)


if __name__ == "__main__":
    testbed.main()
