"""E2E: targets and arguments resolved by the command table (issue 9 §3) and the hardening items that
come with it (issue 10: 1, 8 target part, 9, 10, 11, 12, 13 and parts of 16), from the real binary."""
import json
import os
import re

import testbed


def ids_of(sandbox, name):
    return sorted(i.id for i in sandbox.instances if i.name == name)


class Table(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2 answer ssh

    def json_nodes(self, target):
        r = self.dust("--json", "show", target)
        self.assertEqual(r.rc, 0, r.err)
        return [json.loads(l) for l in r.out.splitlines() if l.strip()]

    # ---- item 1: tag/untag print the nodes they changed (no use after free) ----
    def test_tag_and_untag_name_the_nodes_they_changed(self):
        r = self.dust("tag", "worker*", "o1=y")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "tagged 3 nodes: worker[0-2]\n")
        self.assertNotIn("internal error", r.err)
        web = ids_of(self.sandbox, "web")
        r = self.dust("--yes", "tag", "web", "owner=me")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(f"tagged 2 nodes: ", r.out)
        for i in web:
            self.assertIn(f"web({i})", r.out)
        r = self.dust("--yes", "untag", "web,worker*", "owner,o1")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("untagged 5 nodes: ", r.out)
        for i in web:
            self.assertIn(f"web({i})", r.out)
        self.assertIn("worker[0-2]", r.out)

    # ---- item 8 (target part): the label as printed is a target ----
    def test_displayed_label_is_a_target(self):
        running = next(i for i in self.sandbox.instances if i.name == "web" and i.state == "running")
        nodes = self.json_nodes(f"web({running.id})")
        self.assertEqual([n["id"] for n in nodes], [running.id])
        # A name that does not go with the id selects nothing.
        r = self.dust("show", f"db({running.id})")
        self.assertEqual(r.rc, 1)
        self.assertIn("no nodes match", r.out)

    # ---- item 9: a plain name matching several nodes asks first, for every command that acts ----
    def test_plain_name_matching_several_nodes_is_refused_without_a_terminal(self):
        r = self.dust("tag", "web", "x9=1")
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertRegex(r.err, r"'web' matches 2 nodes: web\(i-[0-9a-f]+\),web\(i-[0-9a-f]+\)")
        self.assertEqual([n for n in self.json_nodes("tags=x9:*")], [])  # nothing changed

    def test_plain_name_matching_several_nodes_asks_at_the_terminal(self):
        w1, w2 = self.sandbox.instance("worker1"), self.sandbox.instance("worker2")
        self.assertEqual(self.dust("tag", "worker[1-2]", "Name=twin").rc, 0)
        try:
            c = self.spawn()
            c.expect(r"dust:\S*\$ ")
            c.sendline("@twin hostname")
            c.expect(r"'twin' matches 2 nodes: twin\(i-[0-9a-f]+\),twin\(i-[0-9a-f]+\)\. Continue \[y/N\] ")
            c.sendline("n")
            c.expect("cancelled, nothing changed")
            c.expect(r"dust:\S*\$ ")
            c.sendline("put twin /etc/hostname /tmp")
            c.expect(r"'twin' matches 2 nodes: .*Continue \[y/N\] ")
            c.sendline("n")
            c.expect("cancelled, nothing changed")
            c.expect(r"dust:\S*\$ ")
            c.sendline("exit")
            c.expect(pexpect_eof())
            # One-shot with --yes proceeds; the label as printed picks one of them.
            r = self.dust("--yes", "@twin", "hostname")
            self.assertEqual(r.rc, 0, r.err)
            self.assertIn(f"[twin({w1.id})] worker1", r.out)
            self.assertIn(f"[twin({w2.id})] worker2", r.out)
            r = self.dust(f"@twin({w2.id})", "hostname")
            self.assertEqual(r.rc, 0, r.err)
            self.assertEqual(r.out.strip(), f"[twin({w2.id})] worker2")
        finally:
            self.assertEqual(self.dust("tag", w1.id, "Name=worker1").rc, 0)
            self.assertEqual(self.dust("tag", w2.id, "Name=worker2").rc, 0)

    # ---- item 10: unnamed nodes are named by id in confirmations ----
    def test_confirmation_names_unnamed_nodes_by_id(self):
        unnamed = next(i for i in self.sandbox.instances if i.name is None)
        r = self.dust("terminate", unnamed.id)  # no terminal: asked nowhere, answered no, said so
        self.assertEqual(r.rc, 1)
        self.assertIn(f"terminate 1 node: {unnamed.id}. Continue", r.err)
        r = self.dust("terminate", "state=running")
        m = re.search(r"terminate (\d+) nodes: (.*)\. Continue", r.err)
        self.assertTrue(m, r.err)
        running = [i for i in self.sandbox.instances if i.state == "running"]
        self.assertEqual(int(m.group(1)), len(running))
        self.assertIn(unnamed.id, m.group(2))
        self.assertIn("cancelled, nothing changed", r.out)

    # ---- item 11: quotes are removed the same way for every command's arguments ----
    def test_tag_value_with_spaces_in_quotes(self):
        w1 = self.sandbox.instance("worker1")
        r = self.dust(input="tag worker1 'Name=my node,env=a b'\n")
        self.assertEqual(r.rc, 0, r.err)
        try:
            nodes = self.json_nodes("'my node'")
            self.assertEqual([n["id"] for n in nodes], [w1.id])
            self.assertEqual(nodes[0]["tags"]["Name"], "my node")
            self.assertEqual(nodes[0]["tags"]["env"], "a b")
            self.assertNotIn("'Name", nodes[0]["tags"])
        finally:
            self.assertEqual(self.dust("tag", w1.id, "Name=worker1,env=dev").rc, 0)
        # One-shot: a word the shell passes with blanks in it stays one word.
        r = self.dust("tag", "worker1", "Name=my node,env=a b")
        self.assertEqual(r.rc, 0, r.err)
        try:
            nodes = self.json_nodes("my node")
            self.assertEqual([n["id"] for n in nodes], [w1.id])
            self.assertEqual(nodes[0]["tags"]["env"], "a b")
        finally:
            self.assertEqual(self.dust("tag", w1.id, "Name=worker1,env=dev").rc, 0)
        r = self.dust(input="tag worker1 'Name=x\n")
        self.assertEqual(r.rc, 2)
        self.assertIn("unclosed quote", r.err)

    # ---- item 12: inventory uses the ssh login user and rejects extra arguments ----
    def test_inventory_user_and_extra_arguments(self):
        d = self.tempdir("dust-inv-")
        r = self.dust("inventory", "worker0", os.path.join(d, "a"), "b", "c")
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn("got extra 'b'", r.err)
        self.assertIn("usage: inventory", r.err)
        self.assertEqual(os.listdir(d), [])
        r = self.dust("inventory", "worker0", "-")
        self.assertEqual(r.rc, 0, r.err)
        with open(self.sandbox.ssh_config) as f:
            user = re.search(r"User (\S+)", f.read()).group(1)
        self.assertIn(f"ansible_user={user}", r.out)

    def tempdir(self, prefix):
        import tempfile
        d = tempfile.mkdtemp(prefix=prefix)
        self.addCleanup(lambda: __import__("shutil").rmtree(d, ignore_errors=True))
        return d

    # ---- item 13: dust's own options ----
    def test_unknown_options_and_missing_files_are_usage_errors(self):
        r = self.dust("--bogus-flag")
        self.assertEqual(r.rc, 2)
        self.assertIn("unknown option '--bogus-flag'", r.err)
        r = self.dust("-F", "/nonexistent/ssh_config", "show")
        self.assertEqual(r.rc, 2)
        self.assertIn("/nonexistent/ssh_config: no such file", r.err)
        self.assertEqual(r.out, "")
        r = self.dust("-F")
        self.assertEqual(r.rc, 2, r.err)
        self.assertIn("-F", r.err)

    # ---- item 16 (parts): usage errors from the row, local words, labels, help ----
    def test_extra_arguments_are_usage_errors_from_the_row(self):
        r = self.dust("loglevel", "debug", "extra")
        self.assertEqual(r.rc, 2)
        self.assertIn("loglevel: takes at most 1 argument, got extra 'extra'", r.err)
        self.assertNotIn("unknown log level", r.err)
        r = self.dust("refresh", "worker0", "extra")
        self.assertEqual(r.rc, 2)
        self.assertIn("refresh: unexpected argument 'extra'\nusage: refresh [target]", r.err)
        r = self.dust("use", "a", "b", "c")
        self.assertEqual(r.rc, 2)
        self.assertIn("usage: use ", r.err)
        r = self.dust("cluster", "create")  # forwarded to load: load's row is checked too
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn("create: wrong number of arguments (usage: load <spec.yaml>", r.err)
        r = self.dust("cluster", "bogus")
        self.assertEqual(r.rc, 2)
        self.assertIn("cluster: unknown subcommand 'bogus'\nusage: cluster list", r.err)
        r = self.dust("tag", "worker0", "novalue")  # malformed arguments: usage errors too
        self.assertEqual(r.rc, 2)
        self.assertIn("tag: 'novalue' is not key=value\nusage: tag <target>", r.err)
        r = self.dust("get", "worker0")
        self.assertEqual(r.rc, 2)
        self.assertIn("get: needs 1 argument after the target", r.err)

    def test_one_letter_words_run_locally_quietly(self):
        r = self.dust("--loglevel", "info", input="n\ny\ntrue\n")
        self.assertNotIn("did you mean", r.err)
        self.assertRegex(r.err, r"n: (command )?not found")
        self.assertNotIn("trying system shell", r.err)
        self.assertNotIn("local shell", r.err)

    def test_state_change_does_not_repeat_the_id(self):
        stopped = next(i for i in self.sandbox.instances if i.name == "web" and i.state == "stopped")
        r = self.dust("start", f"web({stopped.id})")
        try:
            self.assertEqual(r.rc, 0, r.err)
            self.assertRegex(r.out, rf"^web\({stopped.id}\): stopped -> (pending|running)$")
        finally:
            self.assertEqual(self.dust("--yes", "stop", "--wait", f"web({stopped.id})").rc, 0)

    def test_targetless_start_starts_stopped_nodes_without_asking(self):
        r = self.dust("start", input="")
        try:
            self.assertEqual(r.rc, 0, r.out + r.err)
            self.assertNotIn("Continue", r.out)
            changed = re.findall(r"^(\S+)(?: \(i-\w+\))?: (\w+) -> ", r.out, re.M)
            self.assertEqual({prev for _, prev in changed}, {"stopped"}, r.out)
            self.assertEqual(len(changed), sum(1 for i in self.sandbox.instances if i.state == "stopped"), r.out)
        finally:
            ids = [i.id for i in self.sandbox.instances if i.state == "stopped"]
            self.assertEqual(self.dust("--yes", "stop", "--wait", ",".join(ids)).rc, 0)

    def test_targetless_terminate_needs_an_explicit_target_in_one_shot_and_scripts(self):
        before = len(self.json_nodes("state=running"))
        r = self.dust("--yes", "terminate")
        self.assertEqual(r.rc, 2)
        self.assertIn("terminate: give a target (use '*' for every node", r.err)
        r = self.dust("--yes", input="terminate\n")
        self.assertEqual(r.rc, 2)
        self.assertEqual(len(self.json_nodes("state=running")), before)

    def test_completion_follows_the_row(self):
        c = self.spawn()
        c.expect(r"dust:\S*\$ ")
        c.sendline("show worker0")  # node names complete from the cache only
        c.expect(r"dust:\S*\$ ")
        # use <TAB>: clusters and regions.
        c.send("use us-west-\t\t")
        c.expect("us-west-1")
        c.expect("us-west-2")
        c.send("\x15")  # Ctrl-U: drop the line
        # put <TAB>: nodes first, then local files.
        c.send("put worker\t\t")
        c.expect("worker2")
        c.send("\x15")
        c.send("put worker0 /etc/hostnam\t")
        c.expect_exact("/etc/hostname")
        c.send("\x15")
        # get node <TAB>: nothing remote, then the local directory.
        c.send("get worker0 /etc/hostnam\t")
        c.send("X\x15")
        c.sendline("exit")
        c.expect(pexpect_eof())
        self.assertNotIn("/etc/hostname", c.before)

    def test_help_summaries_line_up(self):
        r = self.dust("help")
        self.assertEqual(r.rc, 0, r.err)
        block = r.out.split("\n\n")[0].splitlines()[1:]  # the command list
        names = [l.split()[0] for l in block if not l.startswith("   ")]
        names = ["@@" if n.startswith("@@") else "@" if n.startswith("@") else n for n in names]
        self.assertGreater(len(names), 15)
        # Each command's own usage and summary, from `help CMD`.
        r = self.dust(input="".join(f"help {n}\n" for n in names))
        self.assertEqual(r.rc, 0, r.err)
        entries = re.findall(r"^usage: (.*)\n  (.*)$", r.out, re.M)
        self.assertEqual(len(entries), len(names))
        expected = []
        for usage, summary in entries:
            if len(usage) <= 36:
                expected.append("  " + usage.ljust(36) + " " + summary)
            else:  # too long for the column: alone, the summary on the next line in the column
                expected += ["  " + usage, " " * 39 + summary]
        self.assertEqual(block, expected)


def pexpect_eof():
    import pexpect
    return pexpect.EOF


if __name__ == "__main__":
    testbed.main()
