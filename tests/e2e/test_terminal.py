"""E2E: the terminal has one owner at a time (issue 9 §1; issue 10 items 14, 15, 16).

A line typed while a command runs (put, get, --wait loops, Lua's dust.run, raw mode) must neither crash
dust (readline aborting with rc 250 before) nor be lost: it stays in the tty and runs afterwards, as in
bash. Ctrl-D/Ctrl-C at any question cancel the whole command; `exit` with remote commands still
running says so and asks; Ctrl-Z then `fg` redraws the half-typed line; Ctrl-C at the `make demo`
prompt leaves the sandbox alive."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import pexpect

import testbed
from testbed import dust_bin
from testbed.harness import REPO

PROMPT = r"dust:\S*\$ "
# What the typed-ahead line prints (its own echo, 'ahead-%s', does not match).
AHEAD = "!printf 'ahead-%s\\n' ok"

LUA_SLEEPER = """\
dust.command{
  name = "sleeper",
  usage = "sleeper <target> <local file> <remote dir>",
  summary = "runs sleep 2 on the nodes, then copies a file to them",
  target = "required",
  run = function(args)
    for _, r in ipairs(dust.run(args.target, "sleep 2; echo slept")) do
      print(r.node .. " said " .. (r.lines[1] or "nothing"))
    end
    print("put failed=" .. dust.put(args.target, args.words[1], args.words[2]))
  end,
}
"""


class Typing(testbed.SandboxTestCase):
    HOSTS = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cmd_dir = os.path.join(cls.sandbox.dust_home, "commands")
        os.makedirs(cls.cmd_dir, exist_ok=True)
        with open(os.path.join(cls.cmd_dir, "sleeper.lua"), "w") as f:
            f.write(LUA_SLEEPER)

    def tempdir(self, prefix):
        d = tempfile.mkdtemp(prefix=prefix)
        self.addCleanup(shutil.rmtree, d, ignore_errors=True)
        return d

    def shell(self, timeout=60):
        c = self.spawn(timeout=timeout)
        c.expect(PROMPT)
        return c

    def type_ahead_while(self, c, line, done, delay=0.3, after=None):
        """Runs `line`, types AHEAD while it runs, then checks that the command finished (`done`), the
        typed line ran after it and the next command works."""
        c.sendline(line)
        time.sleep(delay)
        c.sendline(AHEAD)
        if after:
            after(c)
        i = c.expect_exact([done, pexpect.EOF])
        self.assertEqual(i, 0, f"dust died while '{line}' ran: {c.before[-600:]}")
        c.expect_exact("ahead-ok")
        c.expect(PROMPT)
        c.sendline("@worker2 echo after-$((40+2))")
        c.expect_exact("[worker2] after-42")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect(pexpect.EOF)
        c.close()
        self.assertEqual(c.exitstatus, 0)

    def next_command_works(self, c):
        c.expect(PROMPT)
        c.sendline("@worker2 echo after-$((40+2))")
        c.expect_exact("[worker2] after-42")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect(pexpect.EOF)
        c.close()
        self.assertEqual(c.exitstatus, 0)

    def test_typing_during_put_and_get(self):
        work = self.tempdir("dust-type-")
        src = os.path.join(work, "big.dat")
        with open(src, "wb") as f:
            f.write(os.urandom(1 << 20) * 120)  # 120 MB: seconds to copy
        remote = self.tempdir("dust-type-remote-")  # hosts share this machine's filesystem
        back = os.path.join(work, "back")
        os.makedirs(back)
        c = self.shell(timeout=120)
        c.sendline(f"put worker0 {src} {remote}")
        time.sleep(0.3)
        c.sendline(AHEAD)
        i = c.expect([r"put.*1/1 nodes? (done|ok)|put: 1 node", pexpect.EOF, PROMPT])
        self.assertNotEqual(i, 1, f"dust died during put: {c.before[-600:]}")
        c.expect_exact("ahead-ok")
        c.expect(PROMPT)
        self.assertEqual(os.path.getsize(os.path.join(remote, "big.dat")), 120 << 20)
        c.sendline(f"get worker0 {remote}/big.dat {back}")
        time.sleep(0.3)
        c.sendline(AHEAD)
        i = c.expect_exact(["ahead-ok", pexpect.EOF])
        self.assertEqual(i, 0, f"dust died during get: {c.before[-600:]}")
        c.expect(PROMPT)
        got = [os.path.join(d, f) for d, _, fs in os.walk(back) for f in fs]
        self.assertEqual(len(got), 1, got)
        self.assertEqual(os.path.getsize(got[0]), 120 << 20)
        c.sendline("@worker2 echo after-$((40+2))")
        c.expect_exact("[worker2] after-42")
        c.sendline("exit")
        c.expect(pexpect.EOF)

    def test_typing_during_stop_and_start_wait(self):
        c = self.shell(timeout=60)
        c.sendline("stop worker2 --wait --yes")
        c.sendline(AHEAD)
        i = c.expect_exact(["waiting: 1/1 stopped", pexpect.EOF])
        self.assertEqual(i, 0, f"dust died during stop --wait: {c.before[-600:]}")
        c.expect_exact("ahead-ok")
        c.expect(PROMPT)
        self.type_ahead_while(c, "start worker2 --wait --yes", "waiting for ssh: 1/1 answering", delay=0)

    def test_typing_during_start_wait_for_ssh_then_ctrl_c(self):
        # db has no ssh host behind it: `start --wait` keeps polling its ssh port until Ctrl-C.
        self.addCleanup(self.dust, "stop", "db", "--yes")
        c = self.shell(timeout=60)
        c.sendline("start db --wait --yes")
        c.expect_exact("waiting for ssh: 0/1 answering")
        c.sendline(AHEAD)
        time.sleep(2.5)  # at least one more poll with the typed line waiting
        c.sendcontrol("c")  # the terminal drops the typed line (as under bash); the wait stops
        i = c.expect_exact(["wait interrupted", pexpect.EOF])
        self.assertEqual(i, 0, f"dust died during start --wait: {c.before[-600:]}")
        self.next_command_works(c)

    def test_typing_during_terminate_wait(self):
        ec2 = self.sandbox.moto.client("ec2")
        iid = ec2.run_instances(ImageId="ami-760aaa0f", MinCount=1, MaxCount=1, InstanceType="t2.nano",
                                SubnetId=self.sandbox.subnet,
                                TagSpecifications=[{"ResourceType": "instance",
                                                    "Tags": [{"Key": "Name", "Value": "doomed"}]}],
                                )["Instances"][0]["InstanceId"]
        c = self.shell(timeout=60)
        self.type_ahead_while(c, f"terminate {iid} --wait --yes", "waiting: 1/1 terminated", delay=0)

    def test_typing_during_lua_dust_run(self):
        # Typed while dust.run waits; the put after it runs a loop of its own (the REPL's stdin watch
        # used to come back in between).
        remote = self.tempdir("dust-type-lua-")
        c = self.shell(timeout=60)
        self.type_ahead_while(c, f"sleeper worker[0-1] {os.path.join(self.cmd_dir, 'sleeper.lua')} {remote}",
                              "put failed=0")

    def test_typing_when_raw_mode_starts_and_returns(self):
        c = self.shell(timeout=60)
        # The line typed at once reaches the node's shell (raw mode reads the keyboard): it ends it.
        c.sendline("@worker1")
        c.sendline("exit")
        i = c.expect_exact(["worker1 session ended", pexpect.EOF])
        self.assertEqual(i, 0, f"dust died entering raw mode: {c.before[-600:]}")
        self.next_command_works(c)


class Questions(testbed.SandboxTestCase):
    HOSTS = 0

    def clusters(self):
        d = os.path.join(self.sandbox.dust_home, "clusters")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def assign_cancelled_by(self, key, answers_before):
        before = self.clusters()
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("assign worker0")
        c.expect_exact("ssh user for these nodes [")
        for a in answers_before:
            c.sendline(a)
            c.expect_exact("Cluster name")
        if key == "d":
            c.sendcontrol("d")
        else:
            c.sendcontrol("c")
        c.expect_exact("cancelled")
        c.expect(PROMPT)
        # The next line is a command again, not the answer to a later question.
        c.sendline("y")
        c.sendline("!printf 'next-%s\\n' cmd")
        c.expect_exact("next-cmd")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect(pexpect.EOF)
        self.assertEqual(self.clusters(), before, "nothing written")

    def test_ctrl_d_at_the_first_question_cancels(self):
        self.assign_cancelled_by("d", [])

    def test_ctrl_d_at_the_second_question_cancels(self):
        self.assign_cancelled_by("d", ["root"])

    def test_ctrl_c_at_a_question_cancels(self):
        self.assign_cancelled_by("c", ["root"])

    def test_without_a_terminal_a_question_cancels_and_piped_lines_are_no_answers(self):
        r = self.dust("assign", "worker0", input="root\n")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("'ssh user for these nodes' needs an answer and there is no terminal to ask on",
                      r.err)
        self.assertEqual(self.clusters(), [])


class Stacks(testbed.SandboxTestCase):
    HOSTS = 0

    def cfn(self):
        return self.sandbox.moto.client("cloudformation")

    def test_typing_during_status_wait_then_ctrl_c(self):
        body = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
            "SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "stuck"}},
            "In": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupName": {"Ref": "SG"}, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "CidrIp": "10.0.0.0/8"}}}}
        try:
            self.cfn().create_stack(StackName="stuck2", TemplateBody=json.dumps(body))
        except Exception:  # moto reports the ingress failure but keeps the stack
            pass
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("status stuck2 --wait")
        c.expect_exact("waiting for stack stuck2: CREATE_IN_PROGRESS")
        c.sendline(AHEAD)
        time.sleep(2.5)  # at least one more poll with the typed line waiting
        c.sendcontrol("c")
        i = c.expect_exact(["stopped waiting; the stack carries on", pexpect.EOF])
        self.assertEqual(i, 0, f"dust died during status --wait: {c.before[-600:]}")
        # Ctrl-C made the terminal drop the typed line (as under bash); the shell goes on.
        c.expect(PROMPT)
        c.sendline("!printf 'next-%s\\n' cmd")
        c.expect_exact("next-cmd")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect(pexpect.EOF)
        c.close()
        self.assertEqual(c.exitstatus, 0)
        self.dust("cluster", "delete", "stuck2", "--yes")

    def test_typing_during_load_wait(self):
        path = os.path.join(self.sandbox.home, "typed1.yaml")
        with open(path, "w") as f:
            f.write(f"""cloud: {{provider: ec2, region: us-east-1}}
cluster: {{name: typed1, vpc_id: {self.sandbox.vpc}, subnet_id: {self.sandbox.subnet}, ssh_cidr: 10.231.0.0/16}}
nodes:
- {{image: ami-760aaa0f, instance_type: t2.nano, nodename: solo, username: root, key: dust-test}}
""")
        c = self.spawn(timeout=60)
        c.expect(PROMPT)
        c.sendline(f"load {path} --wait --yes")
        c.sendline(AHEAD)
        i = c.expect([r"Stack typed1\S* CREATE_COMPLETE|typed1.*CREATE_COMPLETE", pexpect.EOF])
        self.assertEqual(i, 0, f"dust died during load --wait: {c.before[-600:]}")
        c.expect_exact("ahead-ok")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect(pexpect.EOF)
        self.dust("cluster", "delete", "typed1", "--yes")


class Leaving(testbed.SandboxTestCase):
    HOSTS = 2

    def test_exit_while_remote_commands_run_says_so_and_asks(self):
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("@worker[0-1] sleep 30")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect_exact("2 nodes still running a command: worker[0-1]")
        c.expect_exact("[y/N]")
        c.sendline("n")
        c.expect(PROMPT)
        c.sendline("!printf 'still-%s\\n' here")
        c.expect_exact("still-here")
        c.expect(PROMPT)
        c.sendcontrol("d")  # Ctrl-D asks too
        c.expect_exact("2 nodes still running a command: worker[0-1]")
        c.expect_exact("[y/N]")
        c.sendline("y")
        c.expect(pexpect.EOF)
        c.close()
        self.assertEqual(c.exitstatus, 0)

    def test_ctrl_c_at_the_prompt_after_a_command_drops_the_line(self):
        # The prompt's Ctrl-C handling comes back with the prompt after each command.
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("@worker0 echo ready-$((2+3))")
        c.expect_exact("[worker0] ready-5")
        c.expect(PROMPT)
        time.sleep(0.5)  # the node reports its command done (exit must not ask)
        c.send("!printf 'never-%s\\n' run")
        c.expect_exact("never-%s")
        c.sendcontrol("c")
        c.expect_exact("^C")
        c.expect(PROMPT)
        c.sendline("!printf 'next-%s\\n' cmd")
        c.expect_exact("next-cmd")
        c.expect(PROMPT)
        self.assertNotIn("never-run", c.before)
        c.sendline("exit")
        c.expect(pexpect.EOF)
        c.close()
        self.assertEqual(c.exitstatus, 0)

    def test_exit_when_idle_does_not_ask(self):
        c = self.spawn(timeout=30)
        c.expect(PROMPT)
        c.sendline("@worker0 echo ready-$((2+3))")
        c.expect_exact("[worker0] ready-5")
        c.expect(PROMPT)
        time.sleep(0.5)  # the node reports its command done
        c.sendline("exit")
        c.expect(pexpect.EOF)
        self.assertNotIn("still running", c.before)

    def test_ctrl_z_then_fg_redraws_the_half_typed_line(self):
        # A job-control shell on the pty, as a user has: dust is its foreground job.
        env = self.sandbox.env(PS1="sh$ ", TERM="xterm")
        sh = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], env=env, encoding="utf-8", timeout=20,
                           dimensions=(40, 160), codec_errors="replace")
        self.addCleanup(sh.close, force=True)
        if os.environ.get("DUST_TEST_VERBOSE"):
            sh.logfile_read = sys.stdout
        sh.expect_exact("sh$ ")
        sh.sendline(dust_bin())
        sh.expect(PROMPT)
        sh.send("@worker0 echo half")
        sh.expect_exact("@worker0 echo half")
        sh.sendcontrol("z")
        sh.expect(r"Stopped")
        sh.expect_exact("sh$ ")
        sh.sendline("fg")
        # The prompt and the half-typed line come back ...
        sh.expect(PROMPT + re.escape("@worker0 echo half"))
        # ... and the line is still being edited in readline's mode (no echo of our keys by the tty).
        sh.sendline("-typed")
        sh.expect_exact("[worker0] half-typed")
        sh.expect(PROMPT)
        sh.sendline("exit")
        sh.expect_exact("sh$ ")
        sh.sendline("echo dust-rc=$?")
        sh.expect_exact("dust-rc=0")


class DemoSignals(unittest.TestCase):
    """`make demo`'s services are not in the terminal's process group: Ctrl-C at the prompt leaves them be."""

    def demo(self):
        env = dict(os.environ, TERM="xterm")
        env.pop(testbed.isolation.ENV_MARK, None)  # the demo isolates itself, like `make demo`
        env.pop("TMPDIR", None)
        c = pexpect.spawn(sys.executable, [os.path.join(REPO, "tests", "testbed", "demo.py"), "--hosts", "2",
                                           "--no-agent", "--dust", dust_bin()],
                          env=env, encoding="utf-8", timeout=120, dimensions=(40, 160), codec_errors="replace")
        if os.environ.get("DUST_TEST_VERBOSE"):
            c.logfile_read = sys.stdout
        self.addCleanup(c.close, force=True)
        c.expect(PROMPT)
        return c

    def test_ctrl_c_at_the_prompt_keeps_the_sandbox(self):
        c = self.demo()
        c.sendcontrol("c")
        c.expect(PROMPT)
        time.sleep(1)
        c.sendline("@worker0 echo alive-$((6*7))")
        i = c.expect_exact(["[worker0] alive-42", "refused", pexpect.EOF])
        self.assertEqual(i, 0, c.before[-800:])
        c.expect(PROMPT)
        c.sendline("show")
        c.expect_exact("worker1")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect_exact("sandbox torn down")
        self.assertNotIn("died", c.before)

    def test_ctrl_backslash_twice_detaches_and_a_second_window_attaches(self):
        # dust is the terminal's foreground job: SIGQUIT reaches dust alone (make and the demo script
        # would die of it otherwise), and Ctrl-\ twice detaches as it does outside the demo. The
        # sandbox stays up; the banner's dust-window script attaches to the same sessions.
        c = self.demo()
        c.sendline("@worker0 cd /tmp")
        c.expect(PROMPT)
        c.sendcontrol("\\")
        time.sleep(0.2)  # two presses, two signals (50 ms apart they can merge into one)
        c.sendcontrol("\\")
        c.expect_exact("keep running")
        c.expect(r"attach from any terminal: (\S+)")
        window = c.match.group(1)
        w = pexpect.spawn(window, env=dict(os.environ, TERM="xterm"), encoding="utf-8", timeout=60,
                          codec_errors="replace")
        self.addCleanup(w.close, force=True)
        w.expect(PROMPT)
        w.sendline("@worker0 pwd")
        w.expect_exact("[worker0] /tmp")  # the session the first window left in /tmp
        w.expect(PROMPT)
        w.sendline("!command -v dust")  # dust is on the sandbox's PATH (`!dust start-server`)
        w.expect(r"\S*/bin/dust\r\n")
        w.expect(PROMPT)
        w.sendline("exit")
        c.expect_exact("sandbox torn down")
        self.assertNotIn("died", c.before)

    def test_piped_into_tee_ctrl_c_reaches_dust_alone(self):
        # `make demo | tee log`: Ctrl-C at the prompt must not kill tee (and dust with its pipe).
        env = dict(os.environ, TERM="xterm")
        env.pop(testbed.isolation.ENV_MARK, None)
        env.pop("TMPDIR", None)
        log = os.path.join(tempfile.mkdtemp(prefix="demo-log-"), "log")
        self.addCleanup(shutil.rmtree, os.path.dirname(log), True)
        demo = os.path.join(REPO, "tests", "testbed", "demo.py")
        c = pexpect.spawn("bash", ["-c", f"{sys.executable} {demo} --hosts 2 --no-agent --dust {dust_bin()}"
                                         f" | tee {log}; echo status=${{PIPESTATUS[*]}}"],
                          env=env, encoding="utf-8", timeout=120, codec_errors="replace")
        self.addCleanup(c.close, force=True)
        c.expect(PROMPT)
        c.sendcontrol("c")
        time.sleep(0.5)
        c.sendline("@worker0 echo alive-$((6*7))")
        c.expect_exact("[worker0] alive-42")
        c.expect(PROMPT)
        c.sendline("exit")
        c.expect_exact("sandbox torn down")
        c.expect(r"status=(\d+) (\d+)")
        self.assertEqual(c.match.groups(), ("0", "0"))
        with open(log) as f:
            self.assertIn("alive-42", f.read())

    def test_a_dead_service_is_named(self):
        c = self.demo()
        # The demo's own moto_server: a process of this test's tree (found through /proc parent links).
        moto = [p for p in descendants(c.pid) if b"moto_server" in cmdline(p)]
        self.assertEqual(len(moto), 1, moto)
        os.kill(moto[0], signal.SIGKILL)
        c.expect(r"demo: moto_server \(pid \d+, killed by SIGKILL\) died")
        c.sendline("exit")
        c.expect_exact("sandbox torn down")


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def descendants(root):
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


if __name__ == "__main__":
    testbed.main()
