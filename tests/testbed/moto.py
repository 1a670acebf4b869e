"""moto_server on a free loopback port with IAM auth enforced: every request after the bootstrap is SigV4-checked."""
import gzip
import importlib.util
import json
import os
import socket
import subprocess
import tempfile

from . import procs

REGION = "us-east-1"
# The first N calls are free: create the user, its access key and its allow-all policy. From then on moto
# verifies every signature, so the seeding (boto3) and dust are both checked by a third party.
BOOTSTRAP_CALLS = 3
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def free_port(host="127.0.0.1"):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _accepts(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _base_amis(workdir):
    """moto's 44 classic AMIs (ami-12c6146b…) as a file for MOTO_AMIS_PATH. Without it moto's first EC2 call
    also builds ~1,100 region AMIs (ECS, latest), which is most of a second of CPU per sandbox."""
    spec = importlib.util.find_spec("moto")
    locations = list(spec.submodule_search_locations or []) if spec else []
    src = os.path.join(locations[0], "ec2", "resources", "amis.json.gz") if locations else ""
    if not os.path.exists(src):
        return None
    dst = os.path.join(workdir, "moto-amis.json")
    with gzip.open(src, "rb") as f, open(dst, "wb") as out:
        out.write(f.read())
    return dst


class Moto:
    """A running moto_server. `url`, `key_id`, `secret`, `region` are what a client needs."""

    def __init__(self, workdir=None, host="127.0.0.1", port=None, auth=True):
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.region = REGION
        self.auth = auth
        self.log_path = os.path.join(workdir or tempfile.gettempdir(), f"moto-{self.port}.log")
        env = dict(os.environ)
        if auth:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(BOOTSTRAP_CALLS)
        amis = _base_amis(workdir or tempfile.gettempdir())
        if amis:
            env["MOTO_AMIS_PATH"] = amis
        self._log = open(self.log_path, "wb")
        self.proc = procs.start(["moto_server", "-H", host, "-p", str(self.port)],
                                stdout=self._log, stderr=subprocess.STDOUT, env=env)
        import boto3  # noqa: F401 -- imported while moto boots (~0.3 s saved)
        # A TCP connect is not an API call, so the free-call budget is untouched by this probe.
        procs.wait_for(lambda: self.proc.poll() is not None or _accepts(host, self.port), 30, "moto_server")
        if self.proc.poll() is not None:
            raise RuntimeError(f"moto_server exited: {open(self.log_path).read()[-2000:]}")
        self.key_id, self.secret = self._bootstrap() if auth else ("testing", "testing")

    def client(self, service, key_id=None, secret=None, region=None):
        import boto3  # imported lazily: it costs ~0.3 s and not every user needs it
        return boto3.client(service, endpoint_url=self.url, region_name=region or self.region,
                            aws_access_key_id=key_id or self.key_id,
                            aws_secret_access_key=secret or self.secret)

    def _bootstrap(self):
        iam = self.client("iam", key_id="bootstrap", secret="bootstrap")
        iam.create_user(UserName="dust-test")
        key = iam.create_access_key(UserName="dust-test")["AccessKey"]
        iam.put_user_policy(UserName="dust-test", PolicyName="allow-all", PolicyDocument=json.dumps(ALLOW_ALL))
        return key["AccessKeyId"], key["SecretAccessKey"]

    def env(self):
        """AWS_* variables that point a client at this server with the good credentials."""
        return {"AWS_ACCESS_KEY_ID": self.key_id, "AWS_SECRET_ACCESS_KEY": self.secret,
                "AWS_REGION": self.region, "AWS_ENDPOINT_URL": self.url}

    def stop(self):
        # SIGKILL: moto holds nothing worth flushing, and its SIGTERM path takes over a second.
        self.proc.kill()
        procs.stop(self.proc)
        self._log.close()
