"""E2E: a newcomer's first hour (issue 23): `cd` changes dust's own directory (with and without a dust
server), a failed `!cmd` says so at the prompt, and each misuse names what was wrong and what would be
right — `@@` alone, `dust --`, `dust attach --json`, `load DIR`, `use nosuch`, `@'my node'`."""
import os
import tempfile
import time

import pexpect

import testbed

PROMPT = r"dust:\S*\$ "


class Newcomer(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2 answer ssh

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="newcomer-", dir=self.sandbox.dir)
        os.chmod(d, 0o755)
        return d

    def script_both_ways(self, script):
        """The script's Result without a dust server and through one (started here, ended after)."""
        self.sandbox.stop_dust_server()
        alone = self.dust(input=script, timeout=60)
        r = self.dust("start-server")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.addCleanup(self.sandbox.stop_dust_server)
        served = self.dust(input=script, timeout=60)
        self.assertIsNotNone(self.sandbox.dust_server_pid(), "the script ran through the server")
        return alone, served

    def test_cd_changes_where_local_paths_and_commands_resolve(self):
        d = self.tmpdir()
        with open(os.path.join(d, "note.txt"), "w") as f:
            f.write("from the new directory\n")
        script = f"cd {d}\n!pwd\nput worker0 note.txt /tmp/\n@worker0 cat /tmp/note.txt\n"
        for r in self.script_both_ways(script):
            self.assertEqual(r.rc, 0, r.out + r.err)
            self.assertIn(d + "\n", r.out)
            self.assertIn("[worker0] from the new directory", r.out)

    def test_cd_at_the_prompt_then_back(self):
        d = self.tmpdir()
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("!pwd")
        c.expect(r"\r(/[^\r\n]*)\r\n")
        before = c.match.group(1)
        c.expect(PROMPT)
        c.sendline(f"cd {d}")
        c.expect(PROMPT)
        c.sendline("!pwd")
        c.expect_exact(d)
        c.expect(PROMPT)
        c.sendline("cd -")
        c.expect_exact(before)
        c.expect(PROMPT)
        c.sendline("cd /no/such/dir")
        c.expect_exact("cd: /no/such/dir: No such file or directory")
        c.expect(PROMPT)
        c.sendline("!exit 7")
        c.expect_exact("(local command: exit 7)")
        c.expect(PROMPT)
        c.sendline("exit")

    def test_gather_without_a_command(self):
        r = self.dust("@@")
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn("@@: needs a command to run", r.err)
        self.assertIn("usage: @@[target] command", r.err)
        self.assertNotIn("raw mode", r.err)

    def test_double_dash_ends_the_options(self):
        r = self.dust("--", "show", "master")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("master", r.out)
        r = self.dust("--")  # alone: plain dust (here a script on an empty stdin)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertNotIn("unknown option", r.err)

    def test_server_words_take_no_arguments(self):
        r = self.dust("attach", "--json")
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn("attach takes no arguments (got '--json')", r.err)
        r = self.dust("--json", "kill-server")
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn("--json is for one command line or a script, not for kill-server", r.err)

    def test_load_a_directory(self):
        d = self.tmpdir()
        r = self.dust("load", d)
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn(f"{d}: is a directory (a file is needed)", r.err)

    def test_use_an_unknown_name(self):
        r = self.dust("use", "nosuch")
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("no cluster or region named 'nosuch'", r.err)
        self.assertIn("`load FILE` creates one", r.err)
        self.assertNotIn("ap-southeast-2", r.err)  # not every region of the partition
        r = self.dust("use", "us-esat-1")
        self.assertIn("did you mean us-east-1?", r.err)

    def test_put_gives_one_file_another_name(self):
        d = self.tmpdir()
        for n in ("a.txt", "b.txt"):
            with open(os.path.join(d, n), "w") as f:
                f.write(f"content of {n}\n")
        local_etc = os.path.join(d, "same.txt")  # exists here too: still the remote destination
        with open(local_etc, "w") as f:
            f.write("local\n")
        script = (f"cd {d}\n"
                  "@worker0 rm -rf /tmp/ren && mkdir /tmp/ren && echo old > /tmp/ren/over.txt\n"
                  "put worker0 a.txt /tmp/ren/new.txt\n"
                  "put worker0 b.txt /tmp/ren/over.txt\n"
                  f"put worker0 a.txt {d}/same.txt\n"
                  "@worker0 cat /tmp/ren/new.txt /tmp/ren/over.txt; ls -1 /tmp/ren\n")
        r = self.dust(input=script, timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("[worker0] content of a.txt\n[worker0] content of b.txt\n"
                      "[worker0] new.txt\n[worker0] over.txt\n", r.out)
        # The sandbox's nodes share this machine's files: the "remote" same.txt is the local one.
        with open(local_etc) as f:
            self.assertEqual(f.read(), "content of a.txt\n")
        r = self.dust("put", "worker0", os.path.join(d, "a.txt"), os.path.join(d, "b.txt"), "/tmp/ren/x.txt")
        self.assertEqual(r.rc, 1, r.out + r.err)  # two files: the destination must be a directory
        self.assertIn("/tmp/ren/x.txt: no such directory", r.err)
        r = self.dust("put", "worker0", os.path.join(d, "a.txt"), "/tmp/nodir/x.txt")
        self.assertIn("/tmp/nodir/x.txt: no such directory (/tmp/nodir does not exist)", r.err)

    def test_a_long_command_shows_its_progress_on_a_terminal_only(self):
        r = self.dust_tty("@worker*", "sleep 2; echo done-$((6*7))")
        self.assertEqual(r.rc, 0, r.out)
        self.assertIn("@ 0/3 done · 3 running: worker[0-2] · 1 s", r.out)
        self.assertEqual(r.out.count("done-42"), 3, r.out)
        r = self.dust("@worker*", "sleep 2; echo done-$((6*7))")  # a pipe: no progress line
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertNotIn("running", r.err)
        self.assertNotIn("\x1b", r.out + r.err)

    def test_a_line_to_a_node_still_running_a_command_says_it_is_input(self):
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        # Typed before the session is up (both lines wait for the connection), then once it is.
        c.sendline("@worker0 read answer; echo got-$answer")
        c.expect(PROMPT)
        c.sendline("@worker0 yes")
        c.expect_exact("worker0: still running a command; this line is its input (`intr worker0` interrupts it)")
        c.expect_exact("[worker0] got-yes")
        c.expect(PROMPT)
        c.sendline("@worker0 read answer; echo again-$answer")
        c.expect(PROMPT)
        c.sendline("@worker0 yes")
        c.expect_exact("worker0: still running a command; this line is its input")
        c.expect_exact("[worker0] again-yes")
        c.sendline("@worker0 echo idle")
        c.expect_exact("[worker0] idle")
        self.assertNotIn("still running", c.before)
        c.sendline("exit")

    def test_use_of_a_cluster_file_that_does_not_parse_changes_nothing(self):
        clusters = os.path.join(self.sandbox.dust_home, "clusters")
        os.makedirs(clusters, exist_ok=True)
        path = os.path.join(clusters, "broken.yaml")
        with open(path, "w") as f:
            f.write("cloud: {provider: ec2, region: us-east-1}\ncluster: {name: broken\n")
        self.addCleanup(os.remove, path)
        r = self.dust(input="use broken\nshow master\n")
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("broken.yaml", r.err)
        self.assertIn("invalid YAML", r.err)
        self.assertIn("master", r.out)  # still the region's view

    def test_a_cluster_may_not_be_named_like_a_region(self):
        spec = os.path.join(self.tmpdir(), "spec.yaml")
        with open(os.path.join(testbed.harness.REPO, "tests", "data", "sample1.yaml")) as f:
            text = f.read().replace("name: sample1", "name: us-west-2")
        with open(spec, "w") as f:
            f.write(text)
        r = self.dust("load", spec, "--yes")
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("cluster.name: 'us-west-2' is named like an AWS region", r.err)
        r = self.dust("assign", "master", "eu-west-1", "--yes")
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("'eu-west-1' is named like an AWS region", r.err)
        self.assertEqual(r.out, "")  # refused before the table or any question
        self.assertFalse(os.path.exists(os.path.join(self.sandbox.dust_home, "clusters", "eu-west-1.yaml")))

    def test_assign_asks_again_for_a_name_that_cannot_be(self):
        r = self.dust_tty("assign", "master", answers=["", "../x", "us-east-2", "headnode", "y"])
        self.assertEqual(r.rc, 0, r.out)
        self.assertIn("'../x' is not a valid cluster name", r.out)
        self.assertIn("'us-east-2' is named like an AWS region", r.out)
        path = os.path.join(self.sandbox.dust_home, "clusters", "headnode.yaml")
        self.assertTrue(os.path.exists(path))
        os.remove(path)

    def test_opening_the_default_security_group_asks_first(self):
        r = self.dust("secgroup", "worker0")
        self.assertEqual(r.rc, 0, r.out + r.err)
        group = r.out.split()[0]
        self.assertIn(" default ", r.out.splitlines()[0])
        r = self.dust("secgroup", "allow", group, "tcp", "8443", "192.0.2.0/24")
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("It is a VPC's default group", r.out + r.err)
        self.assertIn("no: no terminal to ask on (--yes answers yes)", r.out + r.err)
        r = self.dust("secgroup", "worker0")
        self.assertNotIn("8443", r.out)  # nothing changed

    def test_ctrl_d_answered_no_leaves_no_empty_line_and_ctrl_backslash_twice_detaches(self):
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("@worker0 sleep 30")
        c.expect(PROMPT)
        c.sendcontrol("d")
        c.expect(r"\[y/N\] ")
        self.assertNotIn("\r\n\r\n", c.before)
        c.sendline("n")
        c.expect(PROMPT)
        # Both presses reach dust between two turns of its loop (500 ms apart at most).
        c.sendcontrol("\\")
        time.sleep(0.2)
        c.sendcontrol("\\")
        c.expect_exact("detached: the dust server keeps the sessions")
        c.expect(pexpect.EOF)

    def test_a_quoted_name_with_a_blank_is_one_target(self):
        r = self.dust("tag", "worker2", "Name=my node")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.addCleanup(self.dust, "tag", "'my node'", "Name=worker2")
        for line in ("@'my node' echo hi-$((6*7))", '@"my node" echo hi-$((6*7))'):
            r = self.dust(input=line + "\n", timeout=60)
            self.assertEqual(r.rc, 0, r.out + r.err)
            self.assertIn("[my node] hi-42", r.out)


if __name__ == "__main__":
    testbed.main()
