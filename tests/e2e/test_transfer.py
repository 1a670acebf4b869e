"""E2E: parallel put/get over SFTP on each node's persistent session (issue 5) — the real dust binary
against moto + one sshd per host. The hosts share this machine's filesystem, so every test works in its
own directory; OpenSSH (`sandbox.ssh_argv`) is the reference client that checks what arrived."""
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import testbed


class Transfer(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0..2

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dust-xfer-")
        os.chmod(self.tmp, 0o755)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def mkdir(self, name):
        p = os.path.join(self.tmp, name)
        os.makedirs(p, exist_ok=True)
        return p

    def write(self, path, data, mode=0o644):
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
        return path

    def remote_sha(self, host, path):
        r = subprocess.run(self.sandbox.ssh_argv(host, f"sha256sum {path}"), capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.split()[0]

    # -- put --------------------------------------------------------------------------------------
    def test_put_to_several_nodes_keeps_content_and_mode_and_leaves_no_temp(self):
        src = self.write(os.path.join(self.mkdir("src"), "data.dat"), os.urandom(3_000_000 + 17), 0o640)
        dst = self.mkdir("dst")
        r = self.dust("put", "worker*", src, dst)
        self.assertEqual(r.rc, 0, r.out + r.err)
        for node in ("worker0", "worker1", "worker2"):
            self.assertRegex(r.out, rf"\[{node}\] put {src} → {dst}/data.dat \(3\.0 MB, [\d.]+ [KMG]?B/s\)")
        final = os.path.join(dst, "data.dat")
        self.assertEqual(self.remote_sha("worker1", final), testbed.sha256_of(src))
        self.assertEqual(stat.S_IMODE(os.stat(final).st_mode), 0o640)
        self.assertEqual(os.listdir(dst), ["data.dat"], "temporary names are renamed or removed")

    def test_seed_argument_order_and_replacing_an_existing_file(self):
        src = self.write(os.path.join(self.mkdir("src"), "conf.txt"), b"new contents\n", 0o600)
        dst = self.mkdir("dst")
        self.write(os.path.join(dst, "conf.txt"), b"old\n")
        r = self.dust("put", src, "worker0", dst)  # the seed's `put data.dat worker* /opt/data`
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn(f"[worker0] put {src} → {dst}/conf.txt", r.out)
        with open(os.path.join(dst, "conf.txt"), "rb") as f:
            self.assertEqual(f.read(), b"new contents\n")
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(dst, "conf.txt")).st_mode), 0o600)

    def test_remote_dir_defaults_to_home(self):
        name = f"dust-put-home-{os.getpid()}-{time.monotonic_ns()}.txt"
        src = self.write(os.path.join(self.tmp, name), b"home\n")
        home = subprocess.run(self.sandbox.ssh_argv("worker2", "pwd"), capture_output=True, text=True).stdout.strip()
        self.addCleanup(lambda: os.path.exists(os.path.join(home, name)) and os.remove(os.path.join(home, name)))
        r = self.dust("put", "worker2", src)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn(f"→ {home}/{name}", r.out)
        self.assertEqual(self.remote_sha("worker2", f"{home}/{name}"), testbed.sha256_of(src))

    def test_local_globs_and_recursive_directories(self):
        src = self.mkdir("src")
        for n in ("a.txt", "b.txt", "c.log"):
            self.write(os.path.join(src, n), n.encode() * 1000)
        tree = self.mkdir("src/tree/sub/deeper")
        self.write(os.path.join(tree, "x.sh"), b"#!/bin/sh\necho x\n", 0o755)
        os.chmod(os.path.join(src, "tree", "sub"), 0o750)
        dst = self.mkdir("dst")
        r = self.dust("put", "worker0", os.path.join(src, "*.txt"), dst)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("[worker0] put 2 files → " + dst, r.out)
        self.assertEqual(sorted(os.listdir(dst)), ["a.txt", "b.txt"])
        # A directory needs -r; with it the tree (and its modes) arrives under its own name.
        r = self.dust("put", "worker0", os.path.join(src, "tree"), dst)
        self.assertNotEqual(r.rc, 0)
        self.assertIn("is a directory (use -r)", r.err)
        r = self.dust("put", "-r", "worker0", os.path.join(src, "tree"), dst)
        self.assertEqual(r.rc, 0, r.out + r.err)
        x = os.path.join(dst, "tree", "sub", "deeper", "x.sh")
        self.assertEqual(testbed.sha256_of(x), testbed.sha256_of(os.path.join(tree, "x.sh")))
        self.assertEqual(stat.S_IMODE(os.stat(x).st_mode), 0o755)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(dst, "tree", "sub")).st_mode), 0o750)

    def test_a_tree_put_to_the_login_directory_names_that_directory(self):
        """Without a destination a tree goes to the login directory (it failed: "~: no such directory"),
        and the result line names it `~` (not the directory of a large file deep in the tree, which its
        own command reported relative to it)."""
        tree = self.mkdir("hometree")
        os.makedirs(os.path.join(tree, "a", "b"))
        self.write(os.path.join(tree, "a", "b", "big.dat"), os.urandom(1_500_000))
        self.write(os.path.join(tree, "small.txt"), b"x\n")
        self.addCleanup(lambda: self.dust("@worker0", "rm -rf hometree"))
        r = self.dust("put", "-r", "worker0", tree)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("[worker0] put 2 files → ~ (", r.out)
        r = self.dust("@worker0", "sha256sum hometree/a/b/big.dat; cat hometree/small.txt")
        self.assertEqual(r.out.split()[1], testbed.sha256_of(os.path.join(tree, "a", "b", "big.dat")), r.err)
        self.assertEqual(r.out.split()[-1], "x")
        # `~/` is the login directory for get too, as for put and scp (it was "no such file").
        out = self.mkdir("from-home")
        r = self.dust("get", "-r", "worker0", "~/hometree", out)
        self.assertEqual(r.rc, 0, r.out + r.err)
        with open(os.path.join(out, "worker0", "hometree", "small.txt")) as f:
            self.assertEqual(f.read(), "x\n")
        r = self.dust("get", "worker0", "~/hometree/small.txt", os.path.join(out, "one"))
        self.assertEqual(r.rc, 0, r.out + r.err)
        with open(os.path.join(out, "one", "worker0", "small.txt")) as f:
            self.assertEqual(f.read(), "x\n")

    def test_permission_denied_and_missing_remote_dir_fail_per_node_without_partial_files(self):
        src = self.write(os.path.join(self.tmp, "f.bin"), os.urandom(100_000))
        locked = self.mkdir("locked")
        # Tests log in as root, who ignores modes: an immutable directory refuses even root (EPERM).
        subprocess.run(["chattr", "+i", locked], check=True)
        self.addCleanup(subprocess.run, ["chattr", "-i", locked])
        r = self.dust("put", "worker[0-1]", src, locked)
        self.assertEqual(r.rc, 1, r.out + r.err)
        for node in ("worker0", "worker1"):
            self.assertRegex(r.err, rf"\[{node}\] put failed: .*permission denied")
        self.assertEqual(os.listdir(locked), [])
        r = self.dust("put", "worker0", src, os.path.join(self.tmp, "no", "such"))
        self.assertEqual(r.rc, 1)
        self.assertIn("[worker0] put failed: " + os.path.join(self.tmp, "no", "such") + ": no such directory", r.err)

    def test_node_down_fails_alone(self):
        src = self.write(os.path.join(self.tmp, "f.bin"), os.urandom(200_000))
        dst = self.mkdir("dst")
        h = self.sandbox.host("worker1")
        h.kill()
        self.addCleanup(h.restart)
        r = self.dust("put", "worker*", src, dst, timeout=60)
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertRegex(r.out, r"\[worker0\] put .* → ")
        self.assertRegex(r.out, r"\[worker2\] put .* → ")
        self.assertRegex(r.err, r"\[worker1\] put failed: .*(refused|connect)")
        self.assertIn("put failed on 1 of 3 nodes", r.err)

    def test_host_killed_mid_transfer_leaves_no_file_under_the_final_name(self):
        src = os.path.join(self.tmp, "big.dat")
        with open(src, "wb") as f:
            f.truncate(1_500_000_000)  # sparse: cheap to make, as costly as any other bytes to send
        dst = self.mkdir("dst")
        h = self.sandbox.host("worker2")
        self.addCleanup(h.restart)
        p = subprocess.Popen([testbed.dust_bin(), "put", "worker2", src, dst], env=self.sandbox.env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # wait until bytes are flowing into the temporary file
            names = os.listdir(dst)
            if names and os.path.getsize(os.path.join(dst, names[0])) > 20_000_000:
                break
            time.sleep(0.02)
        else:
            p.kill()
            self.fail("the upload never started: " + p.communicate()[1])
        h.kill()
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 1, out + err)
        self.assertRegex(err, r"\[worker2\] put failed: .*connection lost")
        self.assertFalse(os.path.exists(os.path.join(dst, "big.dat")))

    # -- put of large files: streamed on an exec channel (issue 14) --------------------------------
    def start_big_put(self, nodes, size, dst):
        """A sparse file (cheap to make, as costly as any other bytes to send) being put to `nodes`;
        returns the process once bytes are flowing into a temporary file in `dst`."""
        src = os.path.join(self.tmp, "big.dat")
        with open(src, "wb") as f:
            f.truncate(size)
        p = subprocess.Popen([testbed.dust_bin(), "put", nodes, src, dst], env=self.sandbox.env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            sizes = [os.path.getsize(os.path.join(dst, n)) for n in os.listdir(dst) if n.startswith(".big.dat.dust-")]
            if sizes and max(sizes) > 20_000_000:
                return src, p
            time.sleep(0.02)
        p.kill()
        self.fail("the upload never started: " + p.communicate()[1])

    def test_ctrl_c_mid_upload_leaves_no_temporary_file_on_any_node(self):
        dst = self.mkdir("dst")
        _, p = self.start_big_put("worker*", 3_000_000_000, dst)
        self.assertTrue(any(n.startswith(".big.dat.dust-") for n in os.listdir(dst)))
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, out + err)  # interrupted (dust(1) EXIT STATUS)
        for node in ("worker0", "worker1", "worker2"):
            self.assertIn(f"[{node}] put failed: interrupted", err)
        # dust waits for each node's writer to end before it exits: nothing is left, even briefly.
        self.assertEqual(os.listdir(dst), [])

    def test_connection_killed_mid_upload_leaves_no_temporary_file_and_the_others_complete(self):
        dst = self.mkdir("dst")
        src, p = self.start_big_put("worker*", 400_000_000, dst)
        # sshd dies on worker1 (every sshd process of the host; its commands live on): the connection
        # is cut mid-upload and nobody on the client side can remove the temporary file any more.
        h = self.sandbox.host("worker1")
        self.addCleanup(h.restart)
        for pid in h.pids():
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() == "sshd":
                        os.kill(pid, signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError):
                pass
        out, err = p.communicate(timeout=180)
        self.assertEqual(p.returncode, 1, out + err)
        self.assertRegex(err, r"\[worker1\] put failed: .*connection lost")
        for node in ("worker0", "worker2"):
            self.assertRegex(out, rf"\[{node}\] put {src} → {dst}/big.dat \(400\.0 MB, ")
        self.assertEqual(testbed.sha256_of(os.path.join(dst, "big.dat")), testbed.sha256_of(src))
        # worker1's writer saw its input end short and removed its file itself.
        deadline = time.monotonic() + 10
        while os.listdir(dst) != ["big.dat"] and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(os.listdir(dst), ["big.dat"])

    def test_recursive_put_mixes_streamed_and_small_files_keeping_content_and_modes(self):
        src = self.mkdir("src/tree/sub")
        big = self.write(os.path.join(src, "big.bin"), os.urandom(12_000_000 + 3), 0o751)
        small = self.write(os.path.join(self.tmp, "src", "tree", "small.txt"), b"small\n" * 100, 0o604)
        edge = self.write(os.path.join(self.tmp, "src", "tree", "edge.bin"), os.urandom(1 << 20), 0o600)
        dst = self.mkdir("dst")
        r = self.dust("put", "-r", "worker*", os.path.join(self.tmp, "src", "tree"), dst, timeout=120)
        self.assertEqual(r.rc, 0, r.out + r.err)
        for node in ("worker0", "worker1", "worker2"):
            self.assertIn(f"[{node}] put 3 files → {dst}", r.out)
        for local, rel, mode in ((big, "sub/big.bin", 0o751), (small, "small.txt", 0o604),
                                 (edge, "edge.bin", 0o600)):
            remote = os.path.join(dst, "tree", rel)
            self.assertEqual(self.remote_sha("worker2", remote), testbed.sha256_of(local), rel)
            self.assertEqual(stat.S_IMODE(os.stat(remote).st_mode), mode, rel)
        for d in (os.path.join(dst, "tree"), os.path.join(dst, "tree", "sub")):
            self.assertFalse([n for n in os.listdir(d) if ".dust-" in n], os.listdir(d))

    def test_recursive_put_of_many_small_files_batches_them_keeping_content_and_modes(self):
        # 300 small files in two directories: sent as tar batches on one exec channel per node
        # (transfer/batch.h); a second put replaces them in place; no staging directory is left.
        root = self.mkdir("src/many")
        files = {}
        for d in ("a", "b/c"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
            for i in range(150):
                rel = f"{d}/f{i:03d}" + (" sp" if i == 7 else "") + (".sh" if i % 3 == 0 else ".txt")
                files[rel] = self.write(os.path.join(root, rel), os.urandom(i * 37 % 5000),
                                        0o755 if i % 3 == 0 else 0o640)
        # Directories keep their modes too: `a` and `b/c` are made by their batches' remote
        # commands, `b` (no file of its own) over SFTP.
        for d, mode in (("a", 0o750), ("b", 0o711), ("b/c", 0o751)):
            os.chmod(os.path.join(root, d), mode)
        dst = self.mkdir("dst")
        for attempt in range(2):
            if attempt:
                self.write(os.path.join(root, "a/f001.txt"), b"changed\n", 0o600)
            r = self.dust("put", "-r", "worker*", root, dst, timeout=120)
            self.assertEqual(r.rc, 0, r.out + r.err)
            for node in ("worker0", "worker1", "worker2"):
                self.assertIn(f"[{node}] put 300 files → {dst}", r.out)
            for rel, local in files.items():
                remote = os.path.join(dst, "many", rel)
                with open(remote, "rb") as f, open(local, "rb") as g:
                    self.assertEqual(f.read(), g.read(), rel)
                self.assertEqual(stat.S_IMODE(os.stat(remote).st_mode),
                                 stat.S_IMODE(os.stat(local).st_mode), rel)
            for d in ("many", "many/a", "many/b", "many/b/c"):
                names = os.listdir(os.path.join(dst, d))
                self.assertFalse([n for n in names if ".dust-" in n], names)
            for d in ("a", "b", "b/c"):
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(dst, "many", d)).st_mode),
                                 stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode), d)

    def test_ctrl_c_mid_small_file_batches_leaves_no_staging_directory(self):
        root = self.mkdir("src/many")
        for i in range(400):  # sparse, just under the stream size: ~16 files per tar batch
            with open(os.path.join(root, f"f{i:03d}"), "wb") as f:
                f.truncate(1_000_000)
        dst = self.mkdir("dst")
        p = subprocess.Popen([testbed.dust_bin(), "put", "-r", "worker*", root, dst],
                             env=self.sandbox.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # a batch is being extracted
            d = os.path.join(dst, "many")
            if os.path.isdir(d) and len(os.listdir(d)) > 20:
                break
            time.sleep(0.01)
        else:
            p.kill()
            self.fail("the upload never started: " + p.communicate()[1])
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, out + err)
        names = os.listdir(os.path.join(dst, "many"))
        self.assertLess(len(names), 400, "the put finished before Ctrl-C: the test proves nothing")
        self.assertFalse([n for n in names if ".dust-" in n], names)

    # -- get --------------------------------------------------------------------------------------
    def test_get_one_copy_per_node_and_existing_files_need_force(self):
        remote = self.mkdir("remote")
        src = self.write(os.path.join(remote, "app.log"), os.urandom(1_234_567), 0o604)
        local = self.mkdir("local")
        r = self.dust("get", "worker*", src, local)
        self.assertEqual(r.rc, 0, r.out + r.err)
        for node in ("worker0", "worker1", "worker2"):
            got = os.path.join(local, node, "app.log")
            self.assertIn(f"[{node}] get {src} → {got} (1.2 MB,", r.out)
            self.assertEqual(testbed.sha256_of(got), testbed.sha256_of(src))
            self.assertEqual(stat.S_IMODE(os.stat(got).st_mode), 0o604)
        # Never overwrite without -f: the local file stays as it was.
        self.write(os.path.join(local, "worker1", "app.log"), b"mine\n")
        r = self.dust("get", "worker1", src, local)
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("exists (use -f to overwrite)", r.err)
        with open(os.path.join(local, "worker1", "app.log"), "rb") as f:
            self.assertEqual(f.read(), b"mine\n")
        r = self.dust("get", "-f", "worker1", src, local)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(testbed.sha256_of(os.path.join(local, "worker1", "app.log")), testbed.sha256_of(src))
        self.assertEqual(sorted(os.listdir(os.path.join(local, "worker1"))), ["app.log"], "no .part left")

    def test_one_shot_arguments_keep_their_words(self):
        # A name with a quote and a blank, given as one argument, is one path (it was "unclosed quote").
        remote = self.mkdir("remote")
        src = self.write(os.path.join(remote, "it's a.log"), b"quoted\n")
        local = self.mkdir("local")
        r = self.dust("get", "worker0", src, local)
        self.assertEqual(r.rc, 0, r.out + r.err)
        with open(os.path.join(local, "worker0", "it's a.log"), "rb") as f:
            self.assertEqual(f.read(), b"quoted\n")
        # An empty argument stays one: the path is empty, not the local directory after it.
        r = self.dust("get", "worker0", "", local)
        self.assertNotEqual(r.rc, 0, r.out + r.err)
        self.assertNotIn(f"get {local}", r.out + r.err)

    def test_get_suffix_layout_names_copies_file_dot_node(self):
        remote = self.mkdir("remote")
        src = self.write(os.path.join(remote, "app.log"), os.urandom(50_000))
        self.mkdir("remote/conf")
        self.write(os.path.join(remote, "conf", "a.ini"), b"x=1\n")
        local = self.mkdir("local")
        r = self.dust("get", "-s", "worker[0-1]", src, local)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(sorted(os.listdir(local)), ["app.log.worker0", "app.log.worker1"])
        self.assertEqual(testbed.sha256_of(os.path.join(local, "app.log.worker1")), testbed.sha256_of(src))
        r = self.dust("get", "-s", "-r", "master", os.path.join(remote, "conf"), local)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(os.listdir(os.path.join(local, "conf.master")), ["a.ini"])
        r = self.dust("get", "-s", "worker0", src, local)  # still never overwrites without -f
        self.assertEqual(r.rc, 1, r.out + r.err)
        self.assertIn("app.log.worker0 exists (use -f to overwrite)", r.err)

    def test_get_remote_glob_and_recursive_directory(self):
        remote = self.mkdir("remote")
        for n in ("a.log", "b.log", "c.txt"):
            self.write(os.path.join(remote, n), n.encode() * 5000)
        tree = self.mkdir("remote/tree/sub")
        self.write(os.path.join(tree, "deep.bin"), os.urandom(70_000), 0o700)
        local = self.mkdir("local")
        r = self.dust("get", "worker0", f"'{remote}/*.log'", local)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(sorted(os.listdir(os.path.join(local, "worker0"))), ["a.log", "b.log"])
        r = self.dust("get", "master", os.path.join(remote, "tree"), local)
        self.assertEqual(r.rc, 1)
        self.assertIn("is a directory (use -r)", r.err)
        r = self.dust("get", "-r", "master", os.path.join(remote, "tree"), local)
        self.assertEqual(r.rc, 0, r.out + r.err)
        got = os.path.join(local, "master", "tree", "sub", "deep.bin")
        self.assertEqual(testbed.sha256_of(got), testbed.sha256_of(os.path.join(tree, "deep.bin")))
        self.assertEqual(stat.S_IMODE(os.stat(got).st_mode), 0o700)
        r = self.dust("get", "worker0", os.path.join(remote, "nothing-here"), local)
        self.assertEqual(r.rc, 1)
        self.assertIn("no such file or directory", r.err)
        r = self.dust("get", "worker0", f"{remote}/*.none", local)
        self.assertEqual(r.rc, 1)
        self.assertIn("no match", r.err)

    def test_put_then_get_in_one_script_reuses_the_sessions(self):
        src = self.write(os.path.join(self.tmp, "round.bin"), os.urandom(5_000_000))
        dst, local = self.mkdir("dst"), self.mkdir("local")
        script = f"@worker0 cd /tmp; echo ready\nput worker0 {src} {dst}\n@worker0 pwd\nget worker0 {dst}/round.bin {local}\n"
        r = self.dust(input=script)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("[worker0] /tmp", r.out, "the shell session (cwd) survived the transfers")
        self.assertEqual(testbed.sha256_of(os.path.join(local, "worker0", "round.bin")), testbed.sha256_of(src))


if __name__ == "__main__":
    testbed.main()
