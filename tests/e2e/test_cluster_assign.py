"""E2E: `assign` and `cluster list` (issue 4) — the real dust binary against moto in SigV4 auth mode."""
import os

import yaml

import testbed
from testbed import STACK


class Assign(testbed.SandboxTestCase):
    HOSTS = 0

    def setUp(self):
        # Each test starts with no cluster files: a node another test assigned is left out of assign.
        clusters = os.path.join(self.sandbox.dust_home, "clusters")
        if os.path.isdir(clusters):
            for f in os.listdir(clusters):
                os.remove(os.path.join(clusters, f))

    def cluster_file(self, name):
        return os.path.join(self.sandbox.dust_home, "clusters", name + ".yaml")

    def text(self, name):
        with open(self.cluster_file(name)) as f:
            return f.read()

    def read_cluster(self, name):
        return yaml.safe_load(self.text(name))

    def test_assign_with_yes_writes_the_original_format(self):
        r = self.dust("assign", f"tags={STACK}:nano1", "nano1", "user=ec2-user", "--yes")
        self.assertEqual(r.rc, 0, r.err)
        c = self.read_cluster("nano1")
        self.assertEqual(c["cloud"], {"provider": "ec2", "region": "us-east-1"})
        self.assertEqual(c["cluster"], {"name": "nano1", "filter": f"tags={STACK}:nano1"})
        self.assertEqual(sorted((n["nodename"], n["selector"], n["username"]) for n in c["nodes"]),
                         [(x, f"tags=name:{x}", "ec2-user") for x in ("master", "worker0", "worker1")])
        self.assertIn("use cluster nano1", r.err)
        # The same YAML was shown before it was written.
        self.assertIn(self.text("nano1").strip(), r.out)

    def test_interactive_asks_user_and_name_and_disambiguates(self):
        r = self.dust_tty("assign", "tags=env:prod", answers=["ubuntu", "prod1", "y"])
        self.assertEqual(r.rc, 0, r.err)
        # The default offered is the user dust logs in with: the sandbox's ssh config says User root.
        self.assertIn("ssh user for these nodes [root]:", r.out)
        self.assertIn("Cluster name:", r.out)
        c = self.read_cluster("prod1")
        webs = sorted(i.id for i in self.sandbox.instances if i.name == "web" and i.row.tags.get("env") == "prod")
        db = self.sandbox.instance("db")
        got = {n["nodename"]: n["selector"] for n in c["nodes"]}
        # One web has env=prod; its Name is unique within the selection, so it keeps a tag selector.
        self.assertEqual(len(webs), 1)
        self.assertEqual(got, {"web": "tags=name:web", "db": "tags=name:db"})
        self.assertEqual({n["username"] for n in c["nodes"]}, {"ubuntu"})
        self.assertNotIn(db.id, self.text("prod1"))

        # Both webs (a Name shared within the selection) get unique names and id selectors. (prod1 claims
        # one of them: without it, both are free to assign.)
        os.remove(self.cluster_file("prod1"))
        r = self.dust("assign", "web", "webs", "--yes")
        self.assertEqual(r.rc, 0, r.err)
        c = self.read_cluster("webs")
        ids = sorted(i.id for i in self.sandbox.instances if i.name == "web")
        self.assertEqual(sorted(n["nodename"] for n in c["nodes"]), ["web-1", "web-2"])
        self.assertEqual(sorted(n["selector"] for n in c["nodes"]), [f"id={i}" for i in ids])
        self.assertEqual({n["username"] for n in c["nodes"]}, {"root"})  # the ssh config's User

    def test_nodes_of_another_cluster_are_left_out(self):
        self.assertEqual(self.dust("assign", f"tags={STACK}:nano1", "nano1", "--yes").rc, 0)
        r = self.dust("assign", "worker*", "wk", "--yes")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("leaving out 2 nodes of cluster nano1: worker[0-1]", r.err)
        # 'worker*' also selects nano1's workers: the filter is the ids, so wk never lists them as its own.
        w2 = self.sandbox.instance("worker2").id
        c = self.read_cluster("wk")
        self.assertEqual(c["cluster"]["filter"], f"id={w2}")
        self.assertEqual([(n["nodename"], n["selector"]) for n in c["nodes"]],
                         [("worker2", "tags=name:worker2")])
        r = self.dust(input="use wk\nshow\nuse us-east-1\nshow worker*\n")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertNotIn("not in the cluster file", r.out)
        self.assertRegex(r.out, r"nano1:\nworker0 [^\n]*\nworker1 [^\n]*\n\nwk:\nworker2 ")
        # Nothing left to assign: said so, nothing written.
        r = self.dust("assign", "worker*", "again", "--yes")
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("leaving out 3 nodes of clusters nano1, wk: worker[0-2]", r.err)
        self.assertIn("no other node matches 'worker*' in us-east-1; nothing written", r.err)
        self.assertFalse(os.path.exists(self.cluster_file("again")))

    def test_overwrite_needs_a_second_yes(self):
        self.assertEqual(self.dust("assign", "master", "ow", "--yes").rc, 0)
        before = self.text("ow")
        r = self.dust_tty("assign", "worker0", "ow", answers=["", "y", "n"])
        self.assertEqual(r.rc, 1)
        self.assertIn("exists. Overwrite it?", r.out)
        self.assertIn("nothing written", r.out)
        self.assertEqual(self.text("ow"), before)
        r = self.dust_tty("assign", "worker0", "ow", answers=["", "y", "y"])
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual([n["nodename"] for n in self.read_cluster("ow")["nodes"]], ["worker0"])

    def test_refusals_write_nothing(self):
        r = self.dust("assign", "tags=env:nowhere", "none1", "--yes")
        self.assertEqual(r.rc, 1)
        self.assertIn("no nodes match", r.err)
        self.assertFalse(os.path.exists(self.cluster_file("none1")))
        r = self.dust_tty("assign", "master", "no2", answers=["", "n"])
        self.assertEqual(r.rc, 1)
        self.assertFalse(os.path.exists(self.cluster_file("no2")))
        r = self.dust("assign", "master", "no2")  # no terminal to ask on: refused, said so
        self.assertIn("no terminal to ask on", r.err)
        self.assertEqual(r.rc, 1)
        self.assertFalse(os.path.exists(self.cluster_file("no2")))
        r = self.dust("assign", "master", "../escape", "--yes")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("not a valid cluster name", r.err)
        r = self.dust("assign", "master", "--yes")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("a cluster name is needed", r.err)

    def test_cluster_list_by_region(self):
        self.assertEqual(self.dust("assign", "worker2", "listed", "--yes").rc, 0)
        r = self.dust("cluster", "list")
        self.assertEqual(r.rc, 0, r.err)
        lines = r.out.splitlines()
        self.assertIn("us-east-1:", lines)
        self.assertIn("  listed", lines)


if __name__ == "__main__":
    testbed.main()
