"""E2E: load a spec into a CloudFormation stack, follow it with status, use it, reach it over ssh, delete it (issue 4)."""
import glob
import json
import os
import subprocess
import time

import pexpect

import testbed
from testbed import STACK

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = os.path.join(HERE, "..", "data", "specs")
AMI = "ami-760aaa0f"  # one of moto's built-in AMIs (the same as tests/data/sample1.yaml)


class LoadCluster(testbed.SandboxTestCase):
    HOSTS = 0
    AGENT = True  # the stack's instances get ssh hosts (hostname = Name tag) as soon as they run

    def write_spec(self, name, ssh_cidr="10.231.0.0/16"):
        """The seed's sample1.yaml, in the sandbox's own subnet so nothing could leave the machine."""
        path = os.path.join(self.sandbox.home, f"{name}.yaml")
        cidr = f"\n  ssh_cidr: {ssh_cidr}" if ssh_cidr else ""
        with open(path, "w") as f:
            f.write(f"""cloud:
  provider: ec2
  region: us-east-1

cluster:
  name: {name}
  vpc_id: {self.sandbox.vpc}
  subnet_id: {self.sandbox.subnet}{cidr}

nodes:
- image: {AMI}
  instance_type: t2.nano
  nodename: master
  username: root
  key: dust-test

- image: {AMI}
  instance_type: t2.nano
  nodename: worker
  username: root
  key: dust-test
  count: 2
""")
        return path

    def cfn(self):
        return self.sandbox.moto.client("cloudformation")

    def stack_names(self):
        return {s["StackName"] for s in self.cfn().describe_stacks()["Stacks"]
                if s["StackStatus"] != "DELETE_COMPLETE"}

    def stack_instances(self, name):
        res = self.sandbox.ec2.describe_instances(Filters=[
            {"Name": f"tag:{STACK}", "Values": [name]},
            {"Name": "instance-state-name", "Values": ["pending", "running"]}])
        return [i for r in res["Reservations"] for i in r["Instances"]]

    def home(self, *parts):
        return os.path.join(self.sandbox.dust_home, *parts)

    def test_load_wait_follows_instead_of_telling_to(self):
        spec = self.write_spec("waited1")
        r = self.dust("load", spec, "--yes", "--wait")
        try:
            self.assertEqual(r.rc, 0, r.err)
            self.assertNotIn("Follow the creation with", r.out)  # issue 10 item 16: it already follows
            self.assertIn("Stack waited1 CREATE_COMPLETE", r.out)
            self.assertEqual(r.out.splitlines()[-1], "Then: use waited1")
        finally:
            self.assertEqual(self.dust("cluster", "delete", "waited1", "--yes").rc, 0)

    def test_load_status_use_ssh_delete(self):
        spec = self.write_spec("sample1")
        r = self.dust("load", spec, "--yes")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn('"AWSTemplateFormatVersion"', r.out)  # printed for review
        self.assertNotIn("0.0.0.0/0", r.err)                # ssh_cidr given: no warning
        self.assertIn("status sample1", r.out)
        self.assertIn("use sample1", r.out)

        # The stack and its tagged instances exist in moto, in the sandbox subnet.
        stacks = self.cfn().describe_stacks(StackName="sample1")["Stacks"]
        self.assertEqual(stacks[0]["StackStatus"], "CREATE_COMPLETE")
        self.assertIn({"Key": "dust:cluster", "Value": "sample1"}, stacks[0].get("Tags", []))
        insts = self.stack_instances("sample1")
        names = sorted(t["Value"] for i in insts for t in i["Tags"] if t["Key"] == "Name")
        self.assertEqual(names, ["master", "worker0", "worker1"])
        self.assertEqual({i["SubnetId"] for i in insts}, {self.sandbox.subnet})

        # Saved: the template that was sent (and cfn-lint accepts it) and the cluster file.
        tpl = self.home("templates", "sample1.json")
        with open(tpl) as f:
            saved = json.load(f)
        self.assertEqual(sorted(k for k, v in saved["Resources"].items() if v["Type"] == "AWS::EC2::Instance"),
                         ["master", "worker0", "worker1"])
        lint = subprocess.run(["cfn-lint", tpl], capture_output=True, text=True)
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
        with open(self.home("clusters", "sample1.yaml")) as f:
            cfile = f.read()
        self.assertIn(f"tags={STACK}:sample1", cfile)
        for n in ("master", "worker0", "worker1"):
            self.assertIn(f"tags=name:{n}", cfile)

        # status: the seed's StackEvent lines, oldest first, then the stack status.
        r = self.dust("status", "sample1")
        self.assertEqual(r.rc, 0, r.err)
        lines = r.out.splitlines()
        started = lines.index("StackEvent AWS::CloudFormation::Stack sample1 CREATE_IN_PROGRESS User Initiated")
        done = lines.index("StackEvent AWS::CloudFormation::Stack sample1 CREATE_COMPLETE")
        self.assertLess(started, done)
        self.assertEqual(lines[-1], "Stack sample1 CREATE_COMPLETE")
        r = self.dust("cluster", "status", "sample1", "--wait")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out.splitlines()[-1], "Stack sample1 CREATE_COMPLETE")
        r = self.dust("status")  # no name: the region's dust stacks
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("Stack sample1 CREATE_COMPLETE", r.out)

        # A second load of the same name is refused, whether the file or only the stack is there.
        r = self.dust("load", spec, "--yes")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("a cluster named 'sample1' exists already", r.err)
        cpath = self.home("clusters", "sample1.yaml")
        os.rename(cpath, cpath + ".aside")
        try:
            r = self.dust("cluster", "create", spec, "--yes")
            self.assertNotEqual(r.rc, 0)
            self.assertIn("a stack named 'sample1' exists already in us-east-1", r.err)
            self.assertFalse(os.path.exists(cpath))
        finally:
            os.rename(cpath + ".aside", cpath)
        self.assertEqual(len(self.stack_instances("sample1")), 3)

        # use: friendly names from the cluster file.
        r = self.dust(input="use sample1\nshow\n")
        self.assertEqual(r.rc, 0, r.err)
        for n in ("master", "worker0", "worker1"):
            self.assertRegex(r.out, rf"\n{n}\s+t2.nano\s+running\s+i-")

        # ssh by friendly names: the agent gave each new instance a host named after its Name tag.
        deadline = time.time() + 30
        while True:
            r = self.dust(input="use sample1\n@worker* hostname\n")
            if ("[worker0] worker0" in r.out and "[worker1] worker1" in r.out) or time.time() > deadline:
                break
            time.sleep(1)
        self.assertIn("[worker0] worker0", r.out, r.err)
        self.assertIn("[worker1] worker1", r.out, r.err)
        self.assertNotIn("[master]", r.out)

        # cluster delete: shows what goes, deletes the stack, removes the file, keeps the template.
        r = self.dust_tty("cluster", "delete", "sample1", answers=["n"])
        self.assertNotEqual(r.rc, 0)
        self.assertIn("cancelled", r.out)
        self.assertIn("sample1", self.stack_names())
        r = self.dust("cluster", "delete", "sample1", "--yes")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("master,worker[0-1]", r.out)
        self.assertNotIn("sample1", self.stack_names())
        self.assertFalse(os.path.exists(cpath))
        self.assertFalse(os.path.exists(tpl))
        self.assertEqual(len(glob.glob(tpl + ".deleted-*")), 1)
        self.assertEqual(self.stack_instances("sample1"), [])
        r = self.dust("cluster", "delete", "sample1", "--yes")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("no stack and no cluster file named 'sample1'", r.err)
        r = self.dust("status", "sample1")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("no stack named 'sample1' in us-east-1", r.err)

    def test_declined_load_creates_nothing(self):
        spec = self.write_spec("declined1", ssh_cidr=None)
        r = self.dust_tty("load", spec, answers=["n"])
        self.assertNotEqual(r.rc, 0)
        self.assertIn("open to the world (0.0.0.0/0)", r.out)  # ssh_cidr defaulted: warned
        self.assertIn('"AWSTemplateFormatVersion"', r.out)
        self.assertIn("cancelled, nothing created", r.out)
        self.assertNotIn("declined1", self.stack_names())
        self.assertFalse(os.path.exists(self.home("clusters", "declined1.yaml")))
        self.assertFalse(os.path.exists(self.home("templates", "declined1.json")))

    def test_malformed_specs_refused(self):
        files = sorted(glob.glob(os.path.join(SPECS, "*.yaml")))
        self.assertGreater(len(files), 5)
        before = self.stack_names()
        for path in files:
            with open(path) as f:
                expect = f.readline().removeprefix("# expect: ").rstrip("\n").replace("{file}", path)
            with self.subTest(spec=os.path.basename(path)):
                r = self.dust("load", path, "--yes")
                self.assertEqual(r.rc, 1, r.out + r.err)
                self.assertIn(f"error: {expect}", r.err)
                self.assertNotIn("AWSTemplateFormatVersion", r.out)  # refused before any template
        self.assertEqual(self.stack_names(), before)
        self.assertEqual([s for s in self.cfn().describe_stacks()["Stacks"] if s["StackName"].startswith("bad")], [])
        self.assertEqual(glob.glob(self.home("clusters", "bad*.yaml")), [])

    def test_delete_without_stack_removes_only_the_file(self):
        os.makedirs(self.home("clusters"), exist_ok=True)
        path = self.home("clusters", "orphan1.yaml")
        with open(path, "w") as f:
            f.write("cloud: {provider: ec2, region: us-east-1}\n"
                    f"cluster: {{name: orphan1, filter: \"tags={STACK}:orphan1\"}}\n"
                    "nodes:\n- {nodename: master, selector: \"tags=name:master\", username: root}\n")
        r = self.dust("cluster", "delete", "orphan1", "--yes")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("There is no stack named orphan1 in us-east-1", r.out)
        self.assertFalse(os.path.exists(path))

    def test_aws_error_is_reported_with_its_code(self):
        spec = self.write_spec("badnet1")
        with open(spec) as f:
            text = f.read()
        with open(spec, "w") as f:
            f.write(text.replace(self.sandbox.subnet, "subnet-0000000000000dead"))
        r = self.dust("load", spec, "--yes")
        self.assertEqual(r.rc, 1)
        self.assertIn("CreateStack badnet1 failed: AWS error InvalidSubnetID.NotFound", r.err)
        self.assertFalse(os.path.exists(self.home("clusters", "badnet1.yaml")))
        # moto leaves the half-made stack behind (AWS would roll it back): dust says so, and
        # cluster delete removes a stack that has no cluster file.
        if "badnet1" in self.stack_names():
            self.assertIn("cluster delete badnet1", r.err)
            r = self.dust("cluster", "delete", "badnet1", "--yes")
            self.assertEqual(r.rc, 0, r.err)
            self.assertIn("Stack badnet1 in us-east-1 (CREATE_IN_PROGRESS) will be deleted", r.out)
            self.assertNotIn("badnet1", self.stack_names())
        else:
            self.assertIn("nothing created", r.err)

    def test_wait_shows_progress_and_ctrl_c_stops_it(self):
        # A stack that stays CREATE_IN_PROGRESS in moto: an ingress naming its group by Ref.
        body = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
            "SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "stuck"}},
            "In": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupName": {"Ref": "SG"}, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "CidrIp": "10.0.0.0/8"}}}}
        try:
            self.cfn().create_stack(StackName="stuck1", TemplateBody=json.dumps(body))
        except Exception:  # moto reports the ingress failure but keeps the stack
            pass
        self.assertIn("stuck1", self.stack_names())
        child = self.spawn("status", "stuck1", "--wait", timeout=20)
        child.expect_exact("StackEvent AWS::CloudFormation::Stack stuck1 CREATE_IN_PROGRESS")
        child.expect_exact("waiting for stack stuck1: CREATE_IN_PROGRESS")
        time.sleep(2.5)  # at least one more poll
        child.sendcontrol("c")
        child.expect_exact("stopped waiting; the stack carries on")
        child.expect(pexpect.EOF)
        child.close()
        self.assertEqual(child.exitstatus, 130)
        self.assertIn("stuck1", self.stack_names())
        r = self.dust("cluster", "delete", "stuck1", "--yes")
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn("stuck1", self.stack_names())

    def test_status_errors(self):
        r = self.dust("status", "nosuchstack")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("no stack named 'nosuchstack' in us-east-1", r.err)
        r = self.dust("cluster", "bogus")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("usage: cluster list", r.err)
        r = self.dust("load")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("usage: load <spec.yaml>", r.err)
        r = self.dust("load", os.path.join(self.sandbox.home, "missing.yaml"), "--yes")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("missing.yaml", r.err)


if __name__ == "__main__":
    testbed.main()
