"""Tests of the testbed itself: moto enforces auth, the seed matches its table, hosts answer, teardown is total."""
import os
import subprocess
import time
import unittest

import testbed
from testbed import seed


def ssh(sb, host, cmd, timeout=15):
    return subprocess.run(sb.ssh_argv(host, cmd), capture_output=True, text=True, timeout=timeout)


class MotoAndSeed(testbed.SandboxTestCase):
    HOSTS = 4

    def test_wrong_secret_is_rejected_by_moto(self):
        import botocore.exceptions
        bad = self.sandbox.moto.client("ec2", secret="not-the-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            bad.describe_instances()
        self.assertEqual(cm.exception.response["Error"]["Code"], "AuthFailure")

    def test_unknown_key_id_is_rejected(self):
        import botocore.exceptions
        bad = self.sandbox.moto.client("ec2", key_id="AKIAUNKNOWN000000000", secret="x")
        with self.assertRaises(botocore.exceptions.ClientError):
            bad.describe_instances()

    def test_seed_matches_table(self):
        got = {}
        for r in self.sandbox.ec2.describe_instances()["Reservations"]:
            for i in r["Instances"]:
                tags = {t["Key"]: t["Value"] for t in i.get("Tags", [])}
                got[i["InstanceId"]] = (tags.get("Name"), i["State"]["Name"], i["PrivateIpAddress"],
                                        i.get("PublicIpAddress"), tags)
        self.assertEqual(len(got), len(seed.SEED))
        for inst in self.sandbox.instances:
            name, state, ip, public, tags = got[inst.id]
            self.assertEqual((name, state, ip), (inst.name, inst.state, inst.ip))
            self.assertIsNone(public, "sandbox instances must have no public IP")
            for k, v in inst.row.tags.items():
                self.assertEqual(tags[k], v)
        names = sorted(n for n, *_ in got.values() if n)
        self.assertEqual(names, ["db", "master", "web", "web", "worker0", "worker1", "worker2"])

    def test_env_is_hermetic(self):
        env = self.sandbox.env()
        self.assertTrue(env["HOME"].startswith(self.sandbox.dir))
        self.assertEqual(env["AWS_ENDPOINT_URL"], self.sandbox.moto.url)
        self.assertEqual(env["NO_COLOR"], "1")
        self.assertNotIn("AWS_PROFILE", env)
        self.assertTrue(os.path.exists(os.path.join(env["HOME"], ".ssh", "id_ed25519")))
        self.assertFalse(os.path.exists(os.path.join(env["HOME"], ".ssh", "known_hosts")))

    def test_aws_cli_sees_the_seed_through_auth(self):
        # The AWS CLI is an independent client: same env, same answer.
        p = subprocess.run(["aws", "ec2", "describe-instances", "--query",
                            "Reservations[].Instances[].InstanceId", "--output", "text"],
                           env=self.sandbox.env(AWS_DEFAULT_REGION="us-east-1"),  # awscli v1 ignores AWS_REGION
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(p.stdout.split()), sorted(i.id for i in self.sandbox.instances))


@unittest.skipUnless(testbed.current_ns(), "namespace hosts need root")
class Hosts(testbed.SandboxTestCase):
    HOSTS = 4

    def test_each_host_answers_with_its_name(self):
        for name in ("master", "worker0", "worker1", "worker2"):
            r = ssh(self.sandbox, name, "hostname")
            self.assertEqual((r.returncode, r.stdout.strip()), (0, name), r.stderr)

    def test_login_shell_prints_nothing_and_home_is_per_host(self):
        a = ssh(self.sandbox, "worker0", "echo x > f; cat f; pwd")
        b = ssh(self.sandbox, "worker1", "cat f 2>/dev/null || echo none")
        self.assertEqual(a.stdout, "x\n/root\n")
        self.assertEqual(b.stdout, "none\n")
        # An interactive login shell on a pty: nothing before our marker but the prompt.
        p = subprocess.run(["ssh", "-tt", "-F", self.sandbox.ssh_config, self.sandbox.host("master").ip],
                           input="echo MARK-$((1+1))\nexit\n", capture_output=True, text=True, timeout=15)
        self.assertIn("MARK-2", p.stdout)
        self.assertNotIn("rror", p.stdout)

    def test_no_route_off_the_machine(self):
        # moto invents 54.x public addresses; inside the sandbox they must be unroutable.
        r = subprocess.run(["ip", "route", "get", "54.1.2.3"], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0, r.stdout)

    def test_kill_listener_refuses_then_restart_with_new_key(self):
        h = self.sandbox.host("worker2")
        self.assertEqual(ssh(self.sandbox, h, "true").returncode, 0)
        old = h.fingerprint()
        h.kill_listener()
        r = ssh(self.sandbox, h, "true")
        self.assertIn("refused", r.stderr)
        h.restart(new_host_key=True)
        self.assertNotEqual(h.fingerprint(), old)
        r = ssh(self.sandbox, h, "true")
        self.assertIn("REMOTE HOST IDENTIFICATION HAS CHANGED", r.stderr)
        # Put the host back as the class found it: forget the key so later tests see a fresh host.
        subprocess.run(["ssh-keygen", "-R", h.ip, "-f", self.sandbox.known_hosts], capture_output=True)
        self.assertEqual(ssh(self.sandbox, h, "hostname").stdout.strip(), "worker2")

    def test_blackhole_times_out_then_recovers(self):
        h = self.sandbox.host("worker1")
        h.blackhole()
        try:
            t = time.monotonic()
            r = subprocess.run(self.sandbox.ssh_argv(h, "true")[:1] + ["-o", "ConnectTimeout=2"] +
                               self.sandbox.ssh_argv(h, "true")[1:], capture_output=True, text=True, timeout=20)
            self.assertIn("timed out", r.stderr)
            self.assertGreaterEqual(time.monotonic() - t, 1.9)
        finally:
            h.blackhole(False)
        self.assertEqual(ssh(self.sandbox, h, "hostname").stdout.strip(), "worker1")

    def test_pause_hangs_then_resume(self):
        h = self.sandbox.host("master")
        h.pause()
        try:
            with self.assertRaises(subprocess.TimeoutExpired):
                ssh(self.sandbox, h, "true", timeout=2)
        finally:
            h.resume()
        self.assertEqual(ssh(self.sandbox, h, "hostname").stdout.strip(), "master")


@unittest.skipUnless(testbed.current_ns(), "namespace hosts need root")
class Agent(testbed.SandboxTestCase):
    HOSTS = 1
    AGENT = True

    def test_new_instance_gets_a_host_named_by_its_tag(self):
        sb = self.sandbox
        r = sb.ec2.run_instances(ImageId=seed.IMAGE, MinCount=1, MaxCount=1, SubnetId=sb.subnet,
                                 TagSpecifications=[{"ResourceType": "instance",
                                                     "Tags": [{"Key": "Name", "Value": "fresh"}]}])
        ip = r["Instances"][0]["PrivateIpAddress"]
        deadline = time.monotonic() + 15
        while not any(h.ip == ip for h in sb.hosts) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(ssh(sb, ip, "hostname").stdout.strip(), "fresh", sb.agent.errors)
        # Seeded running instances left without a host stay hostless (tests of unreachable nodes need them).
        self.assertFalse(any(h.hostname == "web" for h in sb.hosts))


class Harness(unittest.TestCase):
    """run_dust / spawn_dust with a stand-in binary: arguments, stdin, env and the pty reach the program."""

    def setUp(self):
        self.old = os.environ.get("DUST_BIN")
        os.environ["DUST_BIN"] = "/bin/sh"
        self.addCleanup(lambda: os.environ.__setitem__("DUST_BIN", self.old) if self.old
                        else os.environ.pop("DUST_BIN", None))

    def test_run_dust_one_shot_and_script(self):
        rc, out, err = testbed.run_dust(["-c", "echo $X; echo e >&2; exit 3"], env={"X": "v", "PATH": "/bin"})
        self.assertEqual((rc, out, err), (3, "v\n", "e\n"))
        r = testbed.run_dust([], input="echo a\necho b\n", env={"PATH": "/bin"})
        self.assertEqual(r.out, "a\nb\n")

    def test_spawn_dust_has_a_tty(self):
        child = testbed.spawn_dust(["-c", "test -t 0 && stty size"], env={"PATH": "/bin:/usr/bin"})
        child.expect("40 160")
        child.expect(testbed_eof())
        child.close()


def alive(pid):
    """True if pid runs; a zombie (dead, waiting for init to reap it) does not count."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def testbed_eof():
    import pexpect
    return pexpect.EOF


@unittest.skipUnless(testbed.current_ns(), "namespaces need root")
class Teardown(unittest.TestCase):
    CHILD = ("import os, signal, sys, time; sys.path.insert(0, %r); import testbed; testbed.isolate();"
             "sb = testbed.Sandbox(hosts=2); print('UP', sb.dir, sb.moto.proc.pid, *[h.proc.pid for h in sb.hosts],"
             " flush=True); %s")

    def run_child(self, tail):
        env = {k: v for k, v in os.environ.items() if k != testbed.isolation.ENV_MARK}
        code = self.CHILD % (os.path.dirname(os.path.dirname(os.path.abspath(__file__))), tail)
        p = subprocess.Popen([os.sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        line = p.stdout.readline().split()
        self.addCleanup(p.stdout.close)
        self.assertEqual(line[:1], ["UP"])
        self.sandbox_dir = line[1]
        self.assertTrue(os.path.isdir(self.sandbox_dir))
        return p, [int(x) for x in line[2:]]

    def assert_all_gone(self, p, pids):
        prefix = f"dust-c{p.pid}"
        self.assertEqual(testbed.isolation.our_namespaces(prefix), [])
        for pid in pids:
            self.assertFalse(alive(pid), f"pid {pid} survived")
        self.assertFalse(os.path.exists(self.sandbox_dir), f"{self.sandbox_dir} left behind")

    def test_normal_exit_removes_everything(self):
        p, pids = self.run_child("pass")
        p.wait(60)
        self.assert_all_gone(p, pids)

    def test_sigterm_removes_everything(self):
        p, pids = self.run_child("time.sleep(60)")
        p.terminate()
        self.assertNotEqual(p.wait(60), 0)
        self.assert_all_gone(p, pids)

    def test_inner_process_killed_outer_still_cleans(self):
        # SIGKILL the inner test process (no atexit runs): the outer isolate() process cleans up.
        p, pids = self.run_child("os.kill(os.getpid(), signal.SIGKILL)")
        p.wait(60)
        self.assert_all_gone(p, pids)


if __name__ == "__main__":
    testbed.main()
