"""The sandbox's EC2 inventory: one table that tests assert against, and the code that puts it into moto."""
from dataclasses import dataclass, field
import ipaddress

STACK = "aws:cloudformation:stack-name"   # moto accepts aws: tags, so the original's stack filters can be tested
IMAGE = "ami-12c6146b"                    # one of moto's built-in AMIs
KEY_NAME = "dust-test"                    # imported into moto with the sandbox's test public key
FIRST_HOST = 11                           # row i gets <subnet>.(11+i); .1 is the bridge


@dataclass(frozen=True)
class Row:
    name: str | None                      # the Name tag; None = no Name tag at all
    state: str = "running"                # running | stopped
    tags: dict = field(default_factory=dict)
    type: str = "t2.micro"


# The default inventory. Running rows get ssh hosts in table order (Sandbox(hosts=N) takes the first N).
#   no target → 8 instances;  worker* → 3;  tags=*stack-name:nano1 → 3;  env=prod → web, web, db.
SEED = (
    Row("master",  "running", {"env": "dev", STACK: "nano1", "role": "master"}, "t2.small"),
    Row("worker0", "running", {"env": "dev", STACK: "nano1", "role": "worker"}),
    Row("worker1", "running", {"env": "dev", STACK: "nano1", "role": "worker"}),
    Row("worker2", "running", {"env": "dev", "role": "worker"}),
    Row("web",     "running", {"env": "prod", "team:owner": "web:frontend"}),   # Name shared with the next row
    Row("web",     "stopped", {"env": "staging"}),
    Row("db",      "stopped", {"env": "prod", "backup": "daily"}, "t2.medium"),
    Row(None,      "running", {"env": "dev"}),                                   # no Name tag
)


@dataclass
class Instance:
    """One seeded instance as it exists in moto."""
    row: Row
    id: str
    ip: str

    @property
    def name(self):
        return self.row.name

    @property
    def state(self):
        return self.row.state


def _tag_spec(row):
    tags = dict(row.tags)
    if row.name is not None:
        tags["Name"] = row.name
    return [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] if tags else []


def create_network(ec2, subnet_cidr, vpc_cidr="10.231.0.0/16"):
    """VPC + subnet without public-IP mapping: instances in it get only the private IP we choose."""
    vpc = ec2.create_vpc(CidrBlock=vpc_cidr)["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "dust-sandbox"}])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=subnet_cidr, AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return vpc, subnet


def plan(rows, subnet_cidr):
    """[(row, private ip)]: row i gets <subnet>.(11+i). Known before moto is up, so hosts start in parallel."""
    net = ipaddress.ip_network(subnet_cidr)
    return [(row, str(net.network_address + FIRST_HOST + i)) for i, row in enumerate(rows)]


def seed(ec2, subnet, planned, public_key=None):
    """Launch one instance per planned (row, ip), then stop the stopped ones."""
    if public_key:
        ec2.import_key_pair(KeyName=KEY_NAME, PublicKeyMaterial=public_key.encode())
    out = []
    for row, ip in planned:
        kw = {"KeyName": KEY_NAME} if public_key else {}
        r = ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1, InstanceType=row.type, SubnetId=subnet,
                              PrivateIpAddress=ip, TagSpecifications=_tag_spec(row), **kw)
        out.append(Instance(row, r["Instances"][0]["InstanceId"], ip))
    stopped = [inst.id for inst in out if inst.state == "stopped"]
    if stopped:
        ec2.stop_instances(InstanceIds=stopped)
    return out


def seed_bulk(ec2, vpc, count, cidr="10.231.200.0/21", batch=500):
    """`count` extra running instances (bulk-NNNN, no ssh hosts) in their own subnet, for benchmarks.
    Their addresses have no route in the client namespace: reaching them fails at once."""
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    ids = []
    while len(ids) < count:
        n = min(batch, count - len(ids))
        r = ec2.run_instances(ImageId=IMAGE, MinCount=n, MaxCount=n, InstanceType="t2.nano", SubnetId=subnet)
        ids += [i["InstanceId"] for i in r["Instances"]]
    # CreateTags takes many resources but one value: the shared tag in one call per 1000.
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        ec2.create_tags(Resources=chunk, Tags=[{"Key": "env", "Value": "bulk"}])
    # Distinct Names need one call each; a few threads overlap boto3's signing with moto's work.
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda p: ec2.create_tags(Resources=[p[1]], Tags=[{"Key": "Name", "Value": f"bulk{p[0]:04d}"}]),
                      enumerate(ids)))
    return ids
