"""E2E: node output is labelled at print time with the node's current name in the current working set
(issue 10 item 8, issue 9 §2): after a rename, after `use <cluster>`, and `name(i-…)` when two nodes share
a name — never a stale label, never two different nodes under one label."""
import os

import testbed
from testbed import STACK
from testbed.harness import spawn_dust


def lines_of(out, label):
    return [l[len(label) + 3:] for l in out.splitlines() if l.startswith(f"[{label}] ")]


class NodeLabels(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2 answer ssh

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        clusters = os.path.join(cls.sandbox.dust_home, "clusters")
        os.makedirs(clusters, exist_ok=True)
        w0 = cls.sandbox.instance("worker0").id
        m = cls.sandbox.instance("master").id
        # In this cluster, worker0's instance is called "worker1": the same label names a different node
        # in the cluster view and in the region view.
        with open(os.path.join(clusters, "lab.yaml"), "w") as f:
            f.write(f"""cloud: {{provider: ec2, region: us-east-1}}
cluster: {{name: lab, filter: "tags={STACK}:nano1"}}
nodes:
- {{nodename: worker1, selector: "id={w0}", username: root}}
- {{nodename: head, selector: "id={m}", username: root}}
""")

    def rename(self, old, new):
        r = self.dust("tag", old, f"Name={new}")
        self.assertEqual(r.rc, 0, r.out + r.err)

    def test_a_renamed_node_prints_under_its_new_name(self):
        self.addCleanup(self.rename, "alpha0", "worker0")
        # The session is opened under the old name, the node renamed, then used again in the same dust.
        r = self.dust(input="@worker0 hostname\ntag worker0 Name=alpha0\nrefresh\n@alpha0 hostname\n", timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"], r.out)  # before the rename only
        self.assertEqual(lines_of(r.out, "alpha0"), ["worker0"], r.out)

    def test_use_cluster_shows_the_cluster_names_and_back(self):
        script = ("@worker0 hostname\n"      # region view: worker0
                  "use lab\n"
                  "@worker1 hostname\n"      # cluster view: worker0's instance, named worker1 here
                  "@head hostname\n"
                  "use us-east-1\n"
                  "@worker[0-1] hostname\n")  # region view again: each node under its own Name
        r = self.dust(input=script, timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(lines_of(r.out, "head"), ["master"], r.out)
        # [worker1] prints worker0 once (cluster view), then worker1 (region view) — never worker0 twice.
        self.assertEqual(lines_of(r.out, "worker1"), ["worker0", "worker1"], r.out)
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0", "worker0"], r.out)
        self.assertNotRegex(r.out, r"(?m)^\[[^\]]*\(i-")  # no name is shared in either view

    def test_two_nodes_sharing_a_name_are_told_apart(self):
        w1, w2 = self.sandbox.instance("worker1").id, self.sandbox.instance("worker2").id
        self.addCleanup(self.rename, w2, "worker2")
        script = ("@worker[1-2] hostname\n"   # both sessions opened under distinct names
                  "tag worker2 Name=worker1\n"
                  "refresh\n"
                  "@worker1* hostname\n")      # both nodes now named worker1 (a glob: no question)
        r = self.dust(input=script, timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(lines_of(r.out, f"worker1({w1})"), ["worker1"], r.out)
        self.assertEqual(lines_of(r.out, f"worker1({w2})"), ["worker2"], r.out)
        self.assertEqual(lines_of(r.out, "worker1"), ["worker1"], r.out)  # only before the rename
        self.assertEqual(lines_of(r.out, "worker2"), ["worker2"], r.out)

    def test_one_label_in_every_group_of_show_and_in_the_prefixes(self):
        # worker2's instance renamed worker0: the region view has one worker0 unassigned and one in the
        # group of cluster lab. The table (every group) and the [prefix]es name them the same way.
        w0, w2 = self.sandbox.instance("worker0").id, self.sandbox.instance("worker2").id
        self.addCleanup(self.rename, w2, "worker2")
        self.rename("worker2", "worker0")
        r = self.dust(input="show worker0*\n@worker0* hostname\n", timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        table = r.out.split("[", 1)[0]
        self.assertRegex(table, r"Unassigned:\n" + rf"worker0\({w2}\) ")
        self.assertRegex(table, r"lab:\n" + rf"worker0\({w0}\) ")
        self.assertNotRegex(table, r"(?m)^worker0 ")  # never the bare, ambiguous name
        self.assertEqual(lines_of(r.out, f"worker0({w0})"), ["worker0"], r.out)
        self.assertEqual(lines_of(r.out, f"worker0({w2})"), ["worker2"], r.out)

    def test_colour_per_node_on_a_terminal_unless_no_color(self):
        env = self.sandbox.env()
        env.pop("NO_COLOR", None)
        c = spawn_dust(env=env, timeout=20)
        self.addCleanup(c.close, force=True)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker[0-1] echo hi-$(hostname)")
        codes = {}
        for _ in range(2):
            c.expect(r"\x1b\[(3[1-6])m\[(worker[01])\]\x1b\[0m hi-(worker[01])")
            self.assertEqual(c.match.group(2), c.match.group(3))
            codes[c.match.group(2)] = c.match.group(1)
        self.assertNotEqual(codes["worker0"], codes["worker1"])  # one colour per node
        c.sendline("exit")
        c = self.spawn(timeout=20)  # the sandbox sets NO_COLOR=1
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker0 echo hi-$(hostname)")
        c.expect(r"(\x1b\[3\dm)?\[worker0\](\x1b\[0m)? hi-worker0")
        self.assertIsNone(c.match.group(1))
        c.sendline("exit")


if __name__ == "__main__":
    testbed.main()
