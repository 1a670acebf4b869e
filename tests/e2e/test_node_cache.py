"""E2E: a cold dust connects to the nodes it will most likely run on while it asks EC2 (issue 22 item 3).

The last DescribeInstances answer is kept in $DUST_HOME/cache (0600). A dust that starts cold reads it,
starts the ssh connections of the nodes the target selects there — held after the key exchange, before
any host key check or login — and asks EC2 meanwhile; the fresh answer confirms each (it goes on) or
closes it without a word. Real moto, real sshd hosts; the hosts' sshd logs show who logged in."""
import json
import os
import stat

import testbed


def lines_of(out, node):
    return [l[len(node) + 3:] for l in out.splitlines() if l.startswith(f"[{node}] ")]


class NodeCache(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0, worker1, worker2

    def cache_files(self):
        d = os.path.join(self.sandbox.dust_home, "cache")
        return [os.path.join(d, f) for f in sorted(os.listdir(d))] if os.path.isdir(d) else []

    def fresh_cache(self):
        """The cache a plain one-shot leaves (the only file in the folder)."""
        for f in self.cache_files():
            os.unlink(f)
        r = self.dust("@worker[0-1]", "true")
        self.assertEqual(r.rc, 0, r.out + r.err)
        files = self.cache_files()
        self.assertEqual(len(files), 1, files)
        return files[0]

    def test_a_one_shot_leaves_the_answer_and_the_next_connects_from_it(self):
        path = self.fresh_cache()
        st = os.stat(path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        with open(path) as f:
            names = sorted(n["name"] for n in json.load(f)["nodes"])
        self.assertIn("worker0", names)
        r = self.dust("--loglevel", "debug", "@worker[0-1]", "hostname")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"])
        self.assertEqual(lines_of(r.out, "worker1"), ["worker1"])
        self.assertIn("connecting to 2 nodes of the cached EC2 answer while EC2 answers", r.err)
        self.assertIn("ssh worker0: confirmed by EC2, connecting on", r.err)

    def test_a_stale_cache_is_only_a_hint(self):
        # The cache says worker0 is where master is, and knows a node EC2 no longer has (also at master's
        # address). Neither may be used: worker0 runs on the real worker0, the phantom says nothing,
        # and master's sshd sees no login at all (the held connections stop before authentication).
        path = self.fresh_cache()
        with open(path) as f:
            doc = json.load(f)
        master_ip = self.sandbox.instance("master").ip
        nodes = doc["nodes"]
        w0 = next(n for n in nodes if n["name"] == "worker0")
        w0["public_ip"] = w0["private_ip"] = master_ip
        phantom = dict(w0, name="worker9", id="i-0phantom00000000")
        nodes.append(phantom)
        with open(path, "w") as f:
            json.dump(doc, f)
        os.chmod(path, 0o600)
        master = self.sandbox.host("master")
        start = master.log_size()
        r = self.dust("--loglevel", "debug", "@worker*", "hostname")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("connecting to 4 nodes of the cached EC2 answer", r.err)  # w0, w1, w2, the phantom
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"])
        self.assertNotIn("worker9", r.out)
        self.assertNotIn("[worker9]", r.err)
        self.assertIn("ssh worker9: not confirmed by EC2", r.err)
        self.assertEqual(master.log_lines_since(start, "Accepted publickey"), [], master.log()[-2000:])

    def test_a_cache_of_another_user_or_a_link_is_ignored(self):
        path = self.fresh_cache()
        os.chmod(path, 0o620)
        r = self.dust("--loglevel", "debug", "@worker0", "true")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertNotIn("cached EC2 answer", r.err)
        os.unlink(path)
        os.symlink("/dev/null", path)
        r = self.dust("--loglevel", "debug", "@worker0", "true")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertNotIn("cached EC2 answer", r.err)
        self.assertFalse(os.path.islink(path), "the next answer replaces the link, never writes through it")

    def test_z_ec2_unreachable_with_a_cache_runs_nothing(self):
        # Last (z): moto goes away for good. The held connections close, the error is EC2's, no login.
        self.fresh_cache()
        worker0 = self.sandbox.host("worker0")
        start = worker0.log_size()
        self.sandbox.moto.stop()
        r = self.dust("--loglevel", "debug", "@worker0", "true", timeout=60)
        self.assertNotEqual(r.rc, 0, r.out + r.err)
        self.assertIn("connecting to 1 node of the cached EC2 answer", r.err)
        self.assertNotIn("[worker0]", r.out)
        self.assertEqual(worker0.log_lines_since(start, "Accepted publickey"), [])


if __name__ == "__main__":
    testbed.main()
