"""E2E: the node-inventory shell (issue 2) — the real dust binary against moto in SigV4 auth mode."""
import json
import os
import re
import socket
import time

import testbed
from testbed import SEED, STACK


def names_in_table(out):
    """Name column of a show table (rows after the header; blank names kept as '')."""
    rows = []
    for line in out.splitlines()[1:]:
        if not line.strip() or line.endswith(":"):
            continue
        m = re.match(r"^(\S*)\s+(t2\.\w+)\s+(\w[\w-]*)\s+(i-[0-9a-f]+)", line)
        if m:
            rows.append((m.group(1), m.group(3), m.group(4)))
    return rows


class Inventory(testbed.SandboxTestCase):
    HOSTS = 4  # master, worker0-2 answer ssh: start --wait waits for it

    def show(self, *target):
        r = self.dust("show", *target)
        if r.rc != 0:  # a target that matches nothing is status 1, with a message
            self.assertIn("no nodes match", r.out, r.err)
        return names_in_table(r.out)

    def test_show_lists_every_instance(self):
        r = self.dust("show")
        self.assertEqual(r.rc, 0, r.err)
        self.assertRegex(r.out.splitlines()[0], r"^Name\s+Instance\s+State\s+ID\s+ext_IP\s+int_IP$")
        rows = names_in_table(r.out)
        self.assertEqual(len(rows), len(SEED))
        self.assertEqual(sorted(n for n, _, _ in rows if n and "(" not in n),
                         sorted(x.name for x in SEED if x.name and x.name != "web"))
        for inst in self.sandbox.instances:
            self.assertIn(inst.id, r.out)
            self.assertIn(inst.ip, r.out)

    def test_duplicate_names_are_disambiguated(self):
        rows = self.show("web")
        self.assertEqual(len(rows), 2)
        ids = sorted(i.id for i in self.sandbox.instances if i.name == "web")
        self.assertEqual(sorted(n for n, _, _ in rows), sorted(f"web({i})" for i in ids))

    def test_globs_ranges_filters_tags(self):
        self.assertEqual(sorted(n for n, _, _ in self.show("worker*")), ["worker0", "worker1", "worker2"])
        self.assertEqual(sorted(n for n, _, _ in self.show("worker[0-1]")), ["worker0", "worker1"])
        self.assertEqual(sorted(n for n, _, _ in self.show("worker[0,2]")), ["worker0", "worker2"])
        self.assertEqual(sorted(n for n, _, _ in self.show("master,worker[1-2]")), ["master", "worker1", "worker2"])
        self.assertEqual(sorted(n for n, _, _ in self.show("worker*,!worker1")), ["worker0", "worker2"])
        self.assertEqual({s for _, s, _ in self.show("state=stop*")}, {"stopped"})
        self.assertEqual(len(self.show("state=stopped")), sum(1 for x in SEED if x.state == "stopped"))
        self.assertEqual(len(self.show("tags=*stack-name:nano1")), 3)
        self.assertEqual(len(self.show(f"tags={STACK}:nano1")), 3)
        self.assertEqual(sorted(n for n, _, _ in self.show("tags=name:work*")), ["worker0", "worker1", "worker2"])
        self.assertEqual(len(self.show("tags=env:prod")), 2)
        self.assertEqual(len(self.show("tags=team:owner:web:frontend")), 0)  # last colon splits key:value
        self.assertEqual(len(self.show("tags=team:owner:web*")), 1)
        self.assertEqual(len(self.show("type=t2.small")), 1)
        inst = self.sandbox.instance("worker1")
        self.assertEqual([i for _, _, i in self.show(f"id={inst.id}")], [inst.id])
        self.assertEqual([i for _, _, i in self.show(f"int_ip={inst.ip}")], [inst.id])

    def test_showex_details(self):
        r = self.dust("showex", "master")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("image : ami-", r.out)
        self.assertRegex(r.out, r"tags : .*env=dev")
        self.assertIn(f"{self.sandbox.vpc}:{self.sandbox.subnet}", r.out)
        self.assertEqual(self.dust("show", "-v", "master").out, r.out)

    def test_json_lines(self):
        r = self.dust("--json", "show", "worker*")
        self.assertEqual(r.rc, 0, r.err)
        objs = [json.loads(l) for l in r.out.splitlines()]
        self.assertEqual(sorted(o["name"] for o in objs), ["worker0", "worker1", "worker2"])
        self.assertTrue(all(o["tags"]["role"] == "worker" for o in objs))

    def test_bad_targets_are_clear_errors(self):
        for target, words in [("worker[5-2]", "range"), ("tags=:x", "key"), ("tags=env", "key:value"),
                              ("a=b=c", ""), ("color=red", "unknown")]:
            r = self.dust("show", target)
            self.assertNotEqual(r.rc, 0, target)
            self.assertIn("bad target", r.err, target)
            self.assertIn(words, r.err.lower(), (target, r.err))
            self.assertNotIn("Instance", r.out)
        r = self.dust("stop", "worker[5-2]")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("bad target", r.err)

    def test_stop_and_start_change_state(self):
        inst = self.sandbox.instance("worker2")
        r = self.dust("stop", "worker2")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(f"worker2 ({inst.id}): running -> stopping", r.out)
        self.assertEqual(self.state_of(inst.id), "stopped")
        r = self.dust("start", "--wait", "worker2")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("-> pending", r.out)
        self.assertIn("waiting: 1/1 running", r.out)
        self.assertIn("waiting for ssh: 1/1 answering", r.out)
        self.assertEqual(self.state_of(inst.id), "running")

    def state_of(self, iid):
        ec2 = self.sandbox.moto.client("ec2")
        return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]

    def extra_instance(self, name):
        ec2 = self.sandbox.moto.client("ec2")
        r = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=self.sandbox.subnet,
                              TagSpecifications=[{"ResourceType": "instance",
                                                  "Tags": [{"Key": "Name", "Value": name}]}])
        return r["Instances"][0]["InstanceId"]

    def test_terminate_asks_and_refusal_changes_nothing(self):
        iid = self.extra_instance("doomed1")
        r = self.dust("refresh", "doomed1")
        self.assertIn(iid, r.out)
        r = self.dust_tty("terminate", "doomed1", answers=["n"])
        self.assertNotEqual(r.rc, 0)
        self.assertIn("Continue [y/N]", r.out)
        self.assertIn(iid, r.out)  # the exact nodes are listed before the question
        self.assertIn("nothing changed", r.out)
        self.assertEqual(self.state_of(iid), "running")
        r = self.dust_tty("terminate", "doomed1", answers=[None])  # Ctrl-D = no
        self.assertNotEqual(r.rc, 0)
        self.assertEqual(self.state_of(iid), "running")
        r = self.dust("terminate", "doomed1", input="y\n")  # no terminal: a piped line is no answer
        self.assertNotEqual(r.rc, 0)
        self.assertIn("no terminal to ask on", r.err)
        self.assertEqual(self.state_of(iid), "running")
        r = self.dust_tty("terminate", "doomed1", answers=["y"])
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("-> shutting-down", r.out)
        self.assertIn(self.state_of(iid), ("shutting-down", "terminated"))

    def test_terminate_yes_flag(self):
        iid = self.extra_instance("doomed2")
        r = self.dust("-y", "terminate", "doomed2")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(self.state_of(iid), ("shutting-down", "terminated"))

    def test_tag_and_untag(self):
        inst = self.sandbox.instance("worker0")
        r = self.dust("tag", "worker0", "team=data,tier=2")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual([i for _, _, i in self.show("tags=team:data")], [inst.id])
        r = self.dust("untag", "worker0", "team,tier")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(self.show("tags=team:data"), [])
        r = self.dust("tag", "worker0", f"{STACK}=x")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("reserved", r.err)

    def test_wrong_secret_is_authentication_failure(self):
        r = self.dust("show", AWS_SECRET_ACCESS_KEY="wrong" + self.sandbox.moto.secret[5:])
        self.assertNotEqual(r.rc, 0)
        self.assertIn("AuthFailure", r.err)
        self.assertNotIn("internal error", r.err)
        self.assertNotIn("Traceback", r.err)

    def test_no_credentials_says_how_to_configure(self):
        env = self.sandbox.env()
        env.pop("AWS_ACCESS_KEY_ID")
        env.pop("AWS_SECRET_ACCESS_KEY")
        r = testbed.run_dust(["show"], env=env)
        self.assertNotEqual(r.rc, 0)
        self.assertIn("AWS_ACCESS_KEY_ID", r.err)

    def test_endpoint_down_is_quick_clear_error(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        t0 = time.monotonic()
        r = self.dust("show", AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertNotEqual(r.rc, 0)
        self.assertIn(f"127.0.0.1:{port}", r.err)

    def test_script_mode_runs_lines_in_order_with_status(self):
        r = self.dust(input="show master\nloglevel debug\nshow worker0\n")
        self.assertEqual(r.rc, 0, r.err)
        self.assertLess(r.out.index("master"), r.out.index("worker0"))
        r = self.dust(input="show master\nshow worker[9-1]\n")
        self.assertNotEqual(r.rc, 0)

    def test_unknown_command_runs_locally(self):
        r = self.dust("echo", "hello-from-local")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("hello-from-local", r.out)
        self.assertEqual(r.err, "")  # said only at log level debug (issue 10 item 16)
        r = self.dust("--loglevel", "debug", "echo", "x")
        self.assertIn("echo: not a dust command, running it in the local shell", r.err)
        r = self.dust("!exit 3")
        self.assertEqual(r.rc, 3)
        r = self.dust("shwo")
        self.assertIn("did you mean 'show'", r.err)

    def test_help(self):
        r = self.dust("help")
        for cmd in ("show", "showex", "refresh", "start", "stop", "terminate", "tag", "untag", "use",
                    "loglevel", "exit"):
            self.assertRegex(r.out, rf"\n  {cmd}\b")
        r = self.dust("help", "terminate")
        self.assertIn("usage: terminate", r.out)
        self.assertIn("--yes", r.out)
        self.assertEqual(self.dust("?terminate").out, r.out)

    def test_use_region(self):
        r = self.dust(input="use us-west-2\nshow\n")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("no nodes in us-west-2", r.out)
        r = self.dust("use", "mars-north-1")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("no cluster or region named 'mars-north-1'", r.err)
        r = self.dust("use", "region", "mars-north-1")
        self.assertIn("unknown region", r.err)

    def test_interactive_prompt_history_ctrl_c(self):
        child = self.spawn()
        child.expect_exact("dust:us-east-1$ ")
        child.sendline("show worker*")
        child.expect("worker2")
        child.expect_exact("dust:us-east-1$ ")
        child.send("show some half typed line")
        time.sleep(0.3)  # let dust read the typed text before the interrupt arrives
        child.sendintr()
        child.expect_exact("^C")
        child.expect_exact("dust:us-east-1$ ")
        child.sendline("help tag")  # the shell survived Ctrl-C
        child.expect("usage: tag")
        child.send("wor")  # completes nothing at command position...
        child.sendline("")
        child.expect_exact("dust:us-east-1$ ")
        child.sendline("show mas\t")  # ...but node names after show (inventory cached)
        child.expect(r"master\s+t2.small")
        child.expect_exact("dust:us-east-1$ ")
        child.sendline("use us-west-2")
        child.expect_exact("dust:us-west-2$ ")
        child.sendline("exit")
        child.expect(__import__("pexpect").EOF)
        with open(os.path.join(self.sandbox.dust_home, "history")) as f:
            hist = f.read()
        self.assertIn("show worker*", hist)
        self.assertIn("use us-west-2", hist)

    def test_ctrl_d_exits(self):
        child = self.spawn()
        child.expect_exact("$ ")
        child.sendeof()
        child.expect(__import__("pexpect").EOF)


if __name__ == "__main__":
    testbed.main()
