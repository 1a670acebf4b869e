"""Host agent: gives every new running instance in the sandbox subnet (e.g. created by `load`) an ssh host."""
import ipaddress
import threading


class HostAgent:
    """Polls DescribeInstances every `interval` s in a thread; for each running instance whose private IP
    is in the sandbox subnet and has no host yet, starts one with that IP and the Name tag as hostname.
    Seeded instances that were running without a host stay hostless on purpose (tests of unreachable
    nodes use them); seeded stopped ones get a host when started."""

    def __init__(self, sandbox, interval=0.5):
        self.sandbox = sandbox
        self.interval = interval
        self.net = ipaddress.ip_network(sandbox.subnet_cidr)
        self.ec2 = sandbox.moto.client("ec2")   # its own client: boto3 clients are not shared across threads
        hosted = {h.ip for h in sandbox.hosts}
        self.skip = {i.ip for i in sandbox.instances if i.state == "running" and i.ip not in hosted}
        self.created = []                       # SshHost objects this agent added
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="testbed-host-agent", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception as e:  # moto going away at teardown, mostly; keep the last few for debugging
                self.errors = (self.errors + [e])[-5:]
            self._stop.wait(self.interval)

    def poll(self):
        have = {h.ip for h in self.sandbox.hosts} | self.skip | {self.sandbox.bridge.gateway if self.sandbox.bridge else ""}
        pages = self.ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "instance-state-name", "Values": ["running"]},
                     {"Name": "subnet-id", "Values": [self.sandbox.subnet]}])
        for page in pages:
            for r in page["Reservations"]:
                for inst in r["Instances"]:
                    ip = inst.get("PrivateIpAddress")
                    if self._stop.is_set() or not ip or ip in have or ipaddress.ip_address(ip) not in self.net:
                        continue
                    tags = {t["Key"].lower(): t["Value"] for t in inst.get("Tags", [])}
                    name = tags.get("name") or inst["InstanceId"]
                    self.created.append(self.sandbox.add_host(ip, name))
                    have.add(ip)

    def stop(self):
        self._stop.set()
        self._thread.join(10)
