"""E2E: `secgroup` — show, allow and revoke ingress through the real dust binary against moto in auth mode."""
import json
import socket
import urllib.parse

import testbed

WEB_RULE = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}


class Secgroup(testbed.SandboxTestCase):
    HOSTS = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ec2 = cls.ec2 = cls.sandbox.moto.client("ec2")
        cls.web = ec2.create_security_group(GroupName="dust-web", Description="web", VpcId=cls.sandbox.vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=cls.web, IpPermissions=[WEB_RULE])
        # Two groups with one name (in two VPCs): a name must then be refused as ambiguous.
        other_vpc = ec2.create_vpc(CidrBlock="10.232.0.0/16")["Vpc"]["VpcId"]
        for vpc in (cls.sandbox.vpc, other_vpc):
            ec2.create_security_group(GroupName="dust-twice", Description="dup", VpcId=vpc)
        r = ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2, SubnetId=cls.sandbox.subnet,
                              SecurityGroupIds=[cls.web],
                              TagSpecifications=[{"ResourceType": "instance",
                                                  "Tags": [{"Key": "Name", "Value": "front"}]}])
        cls.front_ids = [i["InstanceId"] for i in r["Instances"]]
        for n, iid in enumerate(cls.front_ids):
            ec2.create_tags(Resources=[iid], Tags=[{"Key": "Name", "Value": f"front{n}"}])

    def rules(self, group_id):
        g = self.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
        out = set()
        for p in g["IpPermissions"]:
            for r in p.get("IpRanges", []):
                out.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["CidrIp"]))
            for r in p.get("UserIdGroupPairs", []):
                out.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["GroupId"]))
        return out

    def test_show_groups_of_nodes_with_rules_and_folded_users(self):
        r = self.dust("secgroup", "front*")
        self.assertEqual(r.rc, 0, r.err)
        header = [l for l in r.out.splitlines() if l.startswith(self.web)]
        self.assertEqual(len(header), 1, r.out)
        self.assertIn("dust-web", header[0])
        self.assertIn(self.sandbox.vpc, header[0])
        self.assertIn("nodes: front[0-1]", header[0])
        self.assertRegex(r.out, r"\n  tcp\s+22\s+10\.0\.0\.0/8\n")
        # No other group is listed for these nodes.
        self.assertEqual([l.split()[0] for l in r.out.splitlines() if l.startswith("sg-")], [self.web])

    def test_show_by_group_id_and_json(self):
        r = self.dust("secgroup", self.web)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("nodes: front[0-1]", r.out)
        r = self.dust("--json", "secgroup", "front0")
        self.assertEqual(r.rc, 0, r.err)
        objs = [json.loads(l) for l in r.out.splitlines()]
        self.assertEqual([o["id"] for o in objs], [self.web])
        self.assertEqual(objs[0]["nodes"], ["front0"])
        self.assertIn({"proto": "tcp", "from": 22, "to": 22, "cidrs": ["10.0.0.0/8"], "ipv6_cidrs": [],
                       "groups": []}, objs[0]["ingress"])

    def test_show_no_match_is_an_error(self):
        r = self.dust("secgroup", "nosuchnode*")
        self.assertEqual(r.rc, 1)
        self.assertIn("no nodes match 'nosuchnode*'", r.err)

    def test_allow_then_revoke_by_name(self):
        rule = ("tcp", 8000, 8100, "192.0.2.0/24")
        r = self.dust("secgroup", "allow", "dust-web", "tcp", "8000-8100", "192.0.2.0/24")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(f"allowed tcp 8000-8100 from 192.0.2.0/24 on {self.web} (dust-web)", r.out)
        self.assertIn(rule, self.rules(self.web))
        self.assertRegex(self.dust("secgroup", "front0").out, r"tcp\s+8000-8100\s+192\.0\.2\.0/24")
        # Revoking asks; no (and EOF) changes nothing.
        for answer in ("n", None):
            r = self.dust_tty("secgroup", "revoke", "dust-web", "tcp", "8000-8100", "192.0.2.0/24",
                              answers=[answer])
            self.assertEqual(r.rc, 1)
            self.assertIn("[y/N]", r.out)
            self.assertIn("nothing changed", r.out)
            self.assertIn(rule, self.rules(self.web))
        r = self.dust_tty("secgroup", "revoke", "dust-web", "tcp", "8000-8100", "192.0.2.0/24", answers=["y"])
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("revoked tcp 8000-8100 from 192.0.2.0/24", r.out)
        self.assertNotIn(rule, self.rules(self.web))

    def test_allow_group_source_and_all_protocols_by_id(self):
        r = self.dust("secgroup", "allow", self.web, "all", "all", self.web)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(("-1", None, None, self.web), self.rules(self.web))
        self.assertRegex(self.dust("secgroup", "front1").out, rf"all\s+all\s+{self.web}")
        r = self.dust("secgroup", "revoke", "--yes", self.web, "all", "all", self.web)
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn(("-1", None, None, self.web), self.rules(self.web))

    def test_myip_is_the_local_source_address_towards_the_endpoint(self):
        host = urllib.parse.urlparse(self.sandbox.moto.url).hostname
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((host, 443))
        mine = s.getsockname()[0] + "/32"
        s.close()
        r = self.dust("secgroup", "allow", "dust-web", "tcp", "5432", "myip")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(f"myip: {mine}", r.out)
        self.assertIn(("tcp", 5432, 5432, mine), self.rules(self.web))
        r = self.dust("-y", "secgroup", "revoke", "dust-web", "tcp", "5432", "myip")
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn(("tcp", 5432, 5432, mine), self.rules(self.web))

    def test_bad_arguments_change_nothing(self):
        before = self.rules(self.web)
        for args, words in [(["tcp", "22-10", "0.0.0.0/0"], "first port is above the last"),
                            (["tcp", "70000", "0.0.0.0/0"], "bad port range"),
                            (["tcpx", "22", "0.0.0.0/0"], "bad protocol"),
                            (["tcp", "22", "10.0.0.300/32"], "bad source"),
                            (["tcp", "22", "10.1.2.3/8"], "did you mean 10.0.0.0/8"),
                            (["all", "22", "0.0.0.0/0"], "protocol all")]:
            r = self.dust("secgroup", "allow", "dust-web", *args)
            self.assertNotEqual(r.rc, 0, args)
            self.assertIn(words, r.err, (args, r.err))
        self.assertEqual(self.rules(self.web), before)
        r = self.dust("secgroup", "allow", "dust-web", "tcp")
        self.assertEqual(r.rc, 2)
        self.assertIn("secgroup: allow takes <group|cluster> <proto> <port[-port]>", r.err)
        self.assertIn("usage: secgroup", r.err)

    def test_unknown_and_ambiguous_groups(self):
        r = self.dust("secgroup", "allow", "no-such-group", "tcp", "22", "0.0.0.0/0")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("no security group, cluster or group id 'no-such-group'", r.err)
        r = self.dust("secgroup", "allow", "sg-0123456789abcdef0", "tcp", "22", "0.0.0.0/0")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("InvalidGroup.NotFound", r.err)
        r = self.dust("secgroup", "allow", "dust-twice", "tcp", "22", "0.0.0.0/0")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("'dust-twice' names 2 groups", r.err)

    def test_cluster_name_means_every_group_its_nodes_use(self):
        import os
        clusters = os.path.join(self.sandbox.dust_home, "clusters")
        os.makedirs(clusters, exist_ok=True)
        with open(os.path.join(clusters, "frontc.yaml"), "w") as f:
            f.write(f"cloud: {{provider: ec2, region: {self.sandbox.moto.region}}}\n"
                    "cluster: {name: frontc}\n"
                    "nodes:\n"
                    "- {nodename: fa, selector: 'tags=Name:front0', username: root}\n"
                    "- {nodename: fb, selector: 'tags=Name:front1', username: root}\n")
        try:
            r = self.dust("secgroup", "frontc")
            self.assertEqual(r.rc, 0, r.err)
            self.assertIn("nodes: fa,fb", r.out)
            r = self.dust("secgroup", "allow", "frontc", "udp", "53", "10.9.0.0/16")
            self.assertEqual(r.rc, 0, r.err)
            self.assertIn(("udp", 53, 53, "10.9.0.0/16"), self.rules(self.web))
            r = self.dust("-y", "secgroup", "revoke", "frontc", "udp", "53", "10.9.0.0/16")
            self.assertEqual(r.rc, 0, r.err)
            self.assertNotIn(("udp", 53, 53, "10.9.0.0/16"), self.rules(self.web))
        finally:
            os.remove(os.path.join(clusters, "frontc.yaml"))

    def test_aws_errors_are_reported_with_their_code(self):
        r = self.dust("-y", "secgroup", "revoke", "dust-web", "tcp", "9999", "198.51.100.0/24")
        self.assertEqual(r.rc, 1)
        self.assertIn("InvalidPermission.NotFound", r.err)
        self.assertIn("no such rule", r.err)
        r = self.dust("secgroup", "allow", "dust-web", "tcp", "22", "10.0.0.0/8")  # already there
        self.assertEqual(r.rc, 1)
        self.assertIn("InvalidPermission.Duplicate", r.err)
        self.assertIn(("tcp", 22, 22, "10.0.0.0/8"), self.rules(self.web))


if __name__ == "__main__":
    testbed.main()
