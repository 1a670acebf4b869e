"""Many ssh "hosts" on loopback for benchmarks: one sshd on 0.0.0.0:PORT answers every 127.0.0.x address.

    python3 bench/hosts.py 500          # bring up 500 hosts, print how to reach them, wait for Ctrl-C

As a module: `fleet = LoopbackFleet(addresses)`, then fleet.env() / ssh_config / hostfile and the argv helpers
for pdsh, clush and parallel-ssh. Run it inside testbed.isolate() (root) so 0.0.0.0 means only `lo`.
"""
import ipaddress
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from testbed import procs  # noqa: E402
from testbed.moto import free_port  # noqa: E402
from testbed.sshhost import keygen  # noqa: E402

USER = "dustbench"       # a plain /bin/sh user with no rc files: the remote side costs the same for every client
HOME = "/var/lib/dustbench"
HOST_HOMES = "/var/lib/dustbench-hosts"  # own_homes: host k logs in as dustbench-hK, home HOST_HOMES/hK


def default_addresses(n, first="127.0.0.2"):
    """n loopback addresses from `first`, skipping .0 and .255 endings (some tools treat them specially)."""
    out, a = [], ipaddress.ip_address(first)
    while len(out) < n:
        if str(a).rsplit(".", 1)[1] not in ("0", "255"):
            out.append(str(a))
        a += 1
    return out


def ensure_user(user=USER, home=HOME):
    """Create a benchmark user once (kept between runs: concurrent runs share it, it holds nothing)."""
    if subprocess.run(["id", user], capture_output=True).returncode != 0:
        os.makedirs(os.path.dirname(home), exist_ok=True)
        subprocess.run(["useradd", "--system", "--home-dir", home, "--create-home", "--shell", "/bin/sh", user],
                       capture_output=True)
    # '*' instead of '!': sshd without PAM refuses key logins to a locked ('!') account.
    procs.run(["usermod", "-p", "*", user])
    for rc in (".profile", ".bashrc", ".bash_profile", ".shrc"):
        if os.path.exists(os.path.join(home, rc)):
            os.remove(os.path.join(home, rc))


def seed_moto(ec2, n, cidr="127.0.0.0/22"):
    """n running instances (Name bench0000…) whose private IPs moto assigns in a loopback subnet.
    Returns their addresses, for LoopbackFleet and for dust's inventory alike."""
    vpc = ec2.create_vpc(CidrBlock="127.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
    r = ec2.run_instances(ImageId="ami-12c6146b", MinCount=n, MaxCount=n, InstanceType="t2.nano",
                          SubnetId=subnet)
    ids = [(i["InstanceId"], i["PrivateIpAddress"]) for i in r["Instances"]]
    for k, (iid, _) in enumerate(ids):
        ec2.create_tags(Resources=[iid], Tags=[{"Key": "Name", "Value": f"bench{k:04d}"}])
    return [ip for _, ip in ids]


class LoopbackFleet:
    """One sshd for all `addresses`, a client HOME (key, ssh config, full known_hosts) and a hosts file."""

    def __init__(self, addresses, port=None, workdir=None, own_homes=False, log_level="ERROR"):
        """own_homes: each address logs in as a user of its own with its own home (HOST_HOMES/hK), so
        files written to a relative path land in one directory per host, as on real machines (one
        shared directory makes every host's writes contend for the same directory and inodes)."""
        if os.geteuid() != 0:
            raise RuntimeError("the loopback fleet needs root (a test user and sshd as root)")
        ensure_user()
        self.addresses = list(addresses)
        self.log_level = log_level  # sshd's: VERBOSE logs each session's kind (a test counts them)
        self.users = {a: (USER, HOME) for a in self.addresses}
        if own_homes:
            self.users = {a: (f"{USER}-h{k}", os.path.join(HOST_HOMES, f"h{k}"))
                          for k, a in enumerate(self.addresses)}
            for user, home in self.users.values():
                ensure_user(user, home)
        self.port = port or free_port()
        self.dir = workdir or tempfile.mkdtemp(prefix="dust-bench-")
        os.chmod(self.dir, 0o755)  # sshd reads AuthorizedKeysFile as the benchmark user
        self.home = os.path.join(self.dir, "home")
        ssh = os.path.join(self.home, ".ssh")
        os.makedirs(ssh, mode=0o700)
        self.identity = os.path.join(ssh, "id_ed25519")
        pub = keygen(self.identity, "dust-bench-client")
        self.authorized_keys = os.path.join(self.dir, "authorized_keys")
        with open(self.authorized_keys, "w") as f:
            f.write(pub + "\n")
        self.host_key = os.path.join(self.dir, "ssh_host_ed25519_key")
        host_pub = " ".join(keygen(self.host_key, "dust-bench-host").split()[:2])
        self.known_hosts = os.path.join(ssh, "known_hosts")
        with open(self.known_hosts, "w") as f:
            f.writelines(f"[{a}]:{self.port} {host_pub}\n" for a in self.addresses)
        self.ssh_config = os.path.join(ssh, "config")
        with open(self.ssh_config, "w") as f:
            if own_homes:  # before the general block: ssh takes the first value it finds
                f.writelines(f"Host {a}\n    User {u}\n" for a, (u, _) in self.users.items())
            f.write("\n".join(["Host 127.*", f"    User {USER}", f"    Port {self.port}",
                               f"    IdentityFile {self.identity}", "    IdentitiesOnly yes",
                               f"    UserKnownHostsFile {self.known_hosts}", "    StrictHostKeyChecking yes",
                               "    BatchMode yes", "    LogLevel ERROR"]) + "\n")
        self.hostfile = os.path.join(self.dir, "hosts")
        with open(self.hostfile, "w") as f:
            f.writelines(a + "\n" for a in self.addresses)
        self._start_sshd()

    def _start_sshd(self):
        cfg = os.path.join(self.dir, "sshd_config")
        self.log_path = os.path.join(self.dir, "sshd.log")
        with open(cfg, "w") as f:
            f.write("\n".join([
                f"ListenAddress 0.0.0.0:{self.port}", f"HostKey {self.host_key}", "PidFile none",
                "PermitRootLogin no", "AllowUsers " + " ".join(sorted({USER, *(u for u, _ in self.users.values())})), "PasswordAuthentication no",
                "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
                f"AuthorizedKeysFile {self.authorized_keys}", "PrintMotd no", "PrintLastLog no",
                "MaxStartups 1000:30:1000", "MaxSessions 100", "UseDNS no", f"LogLevel {self.log_level}",
                "Subsystem sftp internal-sftp"]) + "\n")
        os.makedirs("/run/sshd", exist_ok=True)
        self.proc = procs.start(["/usr/sbin/sshd", "-D", "-f", cfg, "-E", self.log_path])
        import socket

        def up():
            try:
                socket.create_connection((self.addresses[0], self.port), 0.2).close()
                return True
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"sshd exited: {open(self.log_path).read()[-1000:]}")
                return False
        procs.wait_for(up, 10, "bench sshd")

    # -- clients ------------------------------------------------------------------------------------
    def route_through(self, port):
        """Points the client files (ssh config, known_hosts) at another port on the same addresses: a
        delay proxy's (tests/testbed/delay_proxy.py) in front of this sshd."""
        for path in (self.ssh_config, self.known_hosts):
            with open(path) as f:
                text = f.read()
            text = text.replace(f"Port {self.port}\n", f"Port {port}\n").replace(f"]:{self.port} ", f"]:{port} ")
            with open(path, "w") as f:
                f.write(text)

    def home_of(self, addr):
        return self.users[addr][1]

    def user_of(self, addr):
        return self.users[addr][0]

    def env(self, **extra):
        env = dict(os.environ, HOME=self.home, NO_COLOR="1")
        env.update(extra)
        return env

    def ssh_argv(self, addr, cmd):
        return ["ssh", "-F", self.ssh_config, addr, cmd]

    def pdsh_argv(self, cmd, fanout=64):
        # pdsh's ssh module takes extra ssh options from PDSH_SSH_ARGS (see pdsh_env).
        return ["pdsh", "-R", "ssh", "-l", USER, "-f", str(fanout), "-w", "^" + self.hostfile, cmd]

    def pdsh_env(self):
        return self.env(PDSH_SSH_ARGS=f"-F {self.ssh_config} -x -l%u %h")

    def clush_argv(self, cmd, fanout=64):
        return ["clush", "-f", str(fanout), "-o", f"-F {self.ssh_config}", "--hostfile", self.hostfile,
                "-b", cmd]

    def pssh_argv(self, cmd, par=64):
        return ["parallel-ssh", "-p", str(par), "-h", self.hostfile, "-x", f"-F {self.ssh_config}", "-i", cmd]

    def stop(self):
        procs.stop(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    import testbed
    testbed.isolate()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    fleet = LoopbackFleet(default_addresses(n))
    print(f"{n} hosts {fleet.addresses[0]}…{fleet.addresses[-1]} port {fleet.port}, user {USER}")
    print(f"  ssh -F {fleet.ssh_config} {fleet.addresses[0]} hostname")
    print(f"  HOME={fleet.home} (for dust); hosts file {fleet.hostfile}; namespace {testbed.current_ns()}")
    try:
        if sys.stdin.isatty():
            input("Enter (or Ctrl-C) stops them. ")
        else:
            import time
            for label, argv, env in (("pdsh", fleet.pdsh_argv("true"), fleet.pdsh_env()),
                                     ("clush", fleet.clush_argv("true"), fleet.env()),
                                     ("parallel-ssh", fleet.pssh_argv("true"), fleet.env())):
                t = time.monotonic()
                r = subprocess.run(argv, env=env, capture_output=True, text=True)
                print(f"  {label:13} rc={r.returncode} {time.monotonic() - t:.2f}s {r.stderr.strip()[:200]}")
    except (KeyboardInterrupt, EOFError):
        pass
    finally:
        fleet.stop()


if __name__ == "__main__":
    main()
