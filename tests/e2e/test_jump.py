"""E2E: nodes in a private subnet behind a jump host (issue 12, PRODUCT.md §9) — ONE ssh connection from
dust to the jump host, every node through a direct-tcpip channel on it; line mode, raw mode and SFTP over
it; the jump host lost; a black-holed node behind it; a 2-hop chain. worker0 and worker1 are hidden from
the client (an unreachable route: only the hosts on the bridge reach them); worker2 stays reachable."""
import os
import shutil
import subprocess
import tempfile
import time

import testbed


def expect_each(c, nodes, text):
    """Each node's `[node] text` line, in any order (interactive `@` streams them as they come). pexpect
    compiles with re.DOTALL: `text` must not match across lines (no `.*`), or one match can swallow the
    next node's line when both arrive in one read."""
    seen = set()
    while seen != set(nodes):
        c.expect(rf"\[({'|'.join(nodes)})\] {text}")
        seen.add(c.match.group(1))


def expect_reported(c, nodes, text):
    """Each node named in a `text` line: its own `[node] text`, or a folded notice or summary line
    `text…: worker[0-1]` that names it (several nodes losing their session at once fold into one)."""
    seen = set()
    while seen != set(nodes):
        c.expect(rf"(?:\[(\w+)\] {text}|{text}[^\r\n]*: ([\w\[\],-]+))")
        one, folded = c.match.group(1), c.match.group(2)
        if one:
            seen.add(one)
        else:
            seen.update(n for n in nodes if n in folded or
                        (n[:-1] + "[" in folded and n[-1] in folded.split("[", 1)[1]))


def lines_of(out, node):
    return [l[len(node) + 3:] for l in out.splitlines() if l.startswith(f"[{node}] ")]


class Jump(testbed.SandboxTestCase):
    HOSTS = 4  # master (the jump host), worker0..2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sb = cls.sandbox
        cls.master = sb.host("master")
        cls.hidden = [sb.host("worker0"), sb.host("worker1")]
        for h in cls.hidden:
            h.hide_from_client()
        cls.client_ip = sb.bridge.gateway
        cls.user = "root" if os.geteuid() == 0 else os.environ.get("USER")
        cls.dir = tempfile.mkdtemp(prefix="dust-jump-")
        # The sandbox's ssh config plus: the hidden workers through the master.
        cls.cfg = os.path.join(cls.dir, "ssh_config")
        with open(sb.ssh_config) as src, open(cls.cfg, "w") as dst:
            dst.write(src.read() + f"Host {' '.join(h.ip for h in cls.hidden)}\n"
                                   f"    ProxyJump {cls.user}@{cls.master.ip}\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)
        super().tearDownClass()

    def jdust(self, *args, **kw):
        return self.dust("-F", self.cfg, *args, **kw)

    def test_hidden_workers_are_not_reachable_directly(self):
        # The testbed itself: without the jump host, dust cannot reach them.
        r = self.dust("@worker0", "hostname")
        self.assertNotEqual(r.rc, 0, r.out)
        self.assertRegex(r.err, r"\[worker0\] error: .*(unreachable|No route)", r.err)

    def test_workers_through_one_connection_to_the_jump_host(self):
        before = self.master.accepted_from(self.client_ip)
        log_at = self.master.log_size()
        seen = [h.accepted_from(self.master.ip) for h in self.hidden]
        r = self.jdust("@worker0,worker1", "hostname; echo $SSH_CONNECTION")
        self.assertEqual(r.rc, 0, r.out + r.err)
        for h, n in zip(self.hidden, seen):
            out = lines_of(r.out, h.hostname)
            self.assertEqual(out[0], h.hostname, r.out)
            # sshd names the peer it sees: the jump host.
            self.assertEqual(out[1].split()[0], self.master.ip, r.out)
            self.assertEqual(h.accepted_from(self.master.ip), n + 1)
        # One login at the jump host for both nodes (OpenSSH's `ssh -W` per node would make two).
        self.assertEqual(self.master.accepted_from(self.client_ip) - before, 1, self.master.log()[-2000:])
        # On that connection, one command on a pty: sshd then turns Nagle off for the whole connection,
        # so the nodes' replies do not wait for dust's ACKs (a round trip each over a real network).
        self.assertEqual(len(self.master.log_lines_since(log_at, "Starting session: command on pts")), 1,
                         self.master.log()[-2000:])

    def test_bastion_config_with_a_negated_pattern(self):
        # Issue 21: the commonest bastion setup, `Host 10.* !<jump>` + `ProxyJump <jump>`: every
        # address of the subnet through the jump host except the jump host itself. dust used to
        # ignore the negation, route the jump host through itself and reach no node at all.
        net = self.master.ip.rsplit(".", 1)[0]
        cfg = os.path.join(self.dir, "bastion_config")
        with open(self.sandbox.ssh_config) as src, open(cfg, "w") as dst:
            dst.write(f"Host {net}.* !{self.master.ip}\n    ProxyJump {self.master.ip}\n" + src.read())
        # ssh -G is the oracle for what the file means; dust ssh-config says the same.
        for h, jump in [(self.master, None)] + [(w, f"[{self.master.ip}]") for w in self.hidden]:
            r = self.dust("-F", cfg, "ssh-config", h.ip)
            self.assertEqual(r.rc, 0, r.err)
            got = [l for l in r.out.splitlines() if l.startswith("proxyjump ")]
            self.assertEqual(got, [f"proxyjump {jump}"] if jump else [], r.out)
        before = self.master.accepted_from(self.client_ip)
        r = self.dust("-F", cfg, "@master,worker0,worker1", "echo $SSH_CONNECTION")
        self.assertEqual(r.rc, 0, r.out + r.err)
        for h in self.hidden:
            self.assertEqual(lines_of(r.out, h.hostname)[0].split()[0], self.master.ip, r.out)
        self.assertEqual(lines_of(r.out, "master")[0].split()[0], self.client_ip, r.out)
        # master as a node and master as the jump host: two logins, not one per worker.
        self.assertEqual(self.master.accepted_from(self.client_ip) - before, 2)

    def test_cluster_file_proxy_jump_and_a_direct_node_in_one_command(self):
        # The cluster-level proxy_jump (no ssh config entry): the hidden workers through the master.
        clusters = os.path.join(self.sandbox.dust_home, "clusters")
        os.makedirs(clusters, exist_ok=True)
        with open(os.path.join(clusters, "jumped.yaml"), "w") as f:
            f.write("cloud: {provider: ec2, region: us-east-1}\n"
                    f"cluster: {{name: jumped, proxy_jump: '{self.user}@{self.master.ip}'}}\n"
                    "nodes:\n- {nodename: w0, selector: 'tags=name:worker0'}\n"
                    "- {nodename: w1, selector: 'tags=name:worker1'}\n")
        r = self.dust(input="use jumped\n@w0,w1 hostname\n")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(lines_of(r.out, "w0"), ["worker0"], r.out + r.err)
        self.assertEqual(lines_of(r.out, "w1"), ["worker1"], r.out + r.err)

    def test_config_yaml_proxy_jump_names_a_node(self):
        # ssh.proxy_jump: master — the hidden workers go through it, master itself is reached directly.
        home = self.sandbox.dust_home
        os.makedirs(home, exist_ok=True)
        conf = os.path.join(home, "config.yaml")
        with open(conf, "w") as f:
            f.write("ssh:\n  user: root\n  proxy_jump: master\n")
        self.addCleanup(os.remove, conf)
        before = self.master.accepted_from(self.client_ip)
        r = self.dust("@master,worker0,worker1", "echo $SSH_CONNECTION")
        self.assertEqual(r.rc, 0, r.out + r.err)
        for h in self.hidden:
            self.assertEqual(lines_of(r.out, h.hostname)[0].split()[0], self.master.ip, r.out)
        self.assertEqual(lines_of(r.out, "master")[0].split()[0], self.client_ip, r.out)
        # master as a node and master as the jump host: two logins, not one per worker.
        self.assertEqual(self.master.accepted_from(self.client_ip) - before, 2)

    def test_raw_mode_and_put_get_through_the_jump_host(self):
        src = os.path.join(self.dir, "payload.bin")
        data = os.urandom(2_000_000 + 3)
        with open(src, "wb") as f:
            f.write(data)
        dst = tempfile.mkdtemp(prefix="dst-", dir=self.dir)
        os.chmod(dst, 0o755)
        back = tempfile.mkdtemp(prefix="back-", dir=self.dir)
        before = self.master.accepted_from(self.client_ip)
        c = self.spawn("-F", self.cfg, timeout=30)
        c.expect(r"dust:\S*\$ ")
        c.sendline(f"put worker0,worker1 {src} {dst}/")
        expect_each(c, ["worker0", "worker1"], r"put [^\r\n]*payload\.bin")
        c.expect(r"dust:\S*\$ ")
        with open(os.path.join(dst, "payload.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        c.sendline(f"get worker1 {dst}/payload.bin {back}/")
        c.expect(r"dust:\S*\$ ")
        got = [os.path.join(r, n) for r, _, ns in os.walk(back) for n in ns]
        self.assertEqual(len(got), 1, got)
        with open(got[0], "rb") as f:
            self.assertEqual(f.read(), data)
        c.sendline("@worker1")
        c.expect(r"rawshell:worker1:\S*\$ ")
        c.send("echo raw-$((6*7)) $SSH_CONNECTION\r")
        c.expect(rf"raw-42 {self.master.ip} ")
        c.send("\x03\x03\x03")
        c.expect("back in dust")
        c.expect(r"dust:\S*\$ ")
        c.sendline("exit")
        c.expect(pexpect_eof())
        self.assertEqual(self.master.accepted_from(self.client_ip) - before, 1, "SFTP and raw share it")

    def test_losing_the_jump_host_fails_only_the_nodes_behind_it(self):
        c = self.spawn("-F", self.cfg, timeout=30)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker* echo up-$((1+1))")
        expect_each(c, ["worker0", "worker1", "worker2"], "up-2")
        try:
            self.master.kill()
            # Reported at once, at the prompt: exactly the nodes behind the jump host, naming it.
            expect_reported(c, ["worker0", "worker1"], rf"jump host \S*{self.master.ip}\S*: connection lost")
            c.sendline("@worker2 echo still-$((2+2))")
            c.expect(r"\[worker2\] still-4")
            c.sendline("@worker0 echo again")
            c.expect(rf"\[worker0\] error: jump host \S*{self.master.ip}\S*: ")
        finally:
            self.master.restart()
        # Back: the nodes reconnect through a new jump session on next use.
        c.sendline("@worker0,worker1 echo back-$((3+3))")
        expect_each(c, ["worker0", "worker1"], "back-6")
        c.sendline("exit")

    def test_a_black_holed_node_behind_the_jump_host_times_out_alone(self):
        home = self.sandbox.dust_home
        os.makedirs(home, exist_ok=True)
        conf = os.path.join(home, "config.yaml")
        with open(conf, "w") as f:
            f.write("ssh:\n  connect_timeout: 3\n")
        self.addCleanup(os.remove, conf)
        self.hidden[1].blackhole()
        try:
            t0 = time.monotonic()
            r = self.jdust("@worker0,worker1", "hostname", timeout=60)
            took = time.monotonic() - t0
        finally:
            self.hidden[1].blackhole(False)
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"], r.out + r.err)
        self.assertRegex(r.err, rf"\[worker1\] error: connection timed out after 3 s: jump host \S+ "
                                rf"got no answer from {self.hidden[1].ip}:22")
        self.assertNotIn("[worker0] error", r.err)
        self.assertLess(took, 20)

    def test_a_two_hop_chain(self):
        # dust → master → worker2 → worker0: worker0 sees worker2 as its peer.
        w0, w2 = self.hidden[0], self.sandbox.host("worker2")
        cfg = os.path.join(self.dir, "chain_config")
        with open(self.sandbox.ssh_config) as src, open(cfg, "w") as dst:
            dst.write(src.read() + f"Host {w0.ip}\n    ProxyJump {self.user}@{self.master.ip},{w2.ip}\n")
        before = w2.accepted_from(self.master.ip)
        r = self.dust("-F", cfg, "@worker0", "echo $SSH_CONNECTION")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(lines_of(r.out, "worker0")[0].split()[0], w2.ip, r.out)
        self.assertEqual(w2.accepted_from(self.master.ip) - before, 1)

    def test_a_malformed_proxy_jump_is_a_clear_error(self):
        cfg = os.path.join(self.dir, "bad_config")
        with open(self.sandbox.ssh_config) as src, open(cfg, "w") as dst:
            dst.write(src.read() + f"Host {self.hidden[0].ip}\n    ProxyJump root@{self.master.ip}:99999\n")
        # ssh refuses the whole file (port 99999), and so does dust, naming the line (issue 21).
        ssh = subprocess.run(["ssh", "-F", cfg, "-G", self.hidden[0].ip], capture_output=True, text=True)
        self.assertNotEqual(ssh.returncode, 0, ssh.stdout)
        r = self.dust("-F", cfg, "@worker0", "hostname")
        self.assertEqual(r.rc, 255, r.out + r.err)
        self.assertRegex(r.err, rf"\[worker0\] error: ssh config: {cfg} line \d+: Invalid ProxyJump "
                                rf"\"root@{self.master.ip}:99999\" \(ssh: terminating, 1 bad configuration option\)")
        # The same hop from a cluster file is checked when the jump host is opened.
        clusters = os.path.join(self.sandbox.dust_home, "clusters")
        os.makedirs(clusters, exist_ok=True)
        with open(os.path.join(clusters, "badjump.yaml"), "w") as f:
            f.write("cloud: {provider: ec2, region: us-east-1}\n"
                    f"cluster: {{name: badjump, proxy_jump: 'root@{self.master.ip}:99999'}}\n"
                    "nodes:\n- {nodename: w0, selector: 'tags=name:worker0'}\n")
        self.addCleanup(os.remove, os.path.join(clusters, "badjump.yaml"))
        r = self.dust(input="use badjump\n@w0 hostname\n")
        self.assertIn(f"[w0] error: jump host root@{self.master.ip}:99999: not a ProxyJump host", r.err)


def pexpect_eof():
    import pexpect
    return pexpect.EOF


if __name__ == "__main__":
    testbed.main()
