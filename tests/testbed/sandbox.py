"""The whole sandbox: hermetic HOME, moto in auth mode, the seeded inventory and the ssh hosts behind it."""
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from . import isolation, procs, seed as seedmod
from .moto import Moto, free_port
from .network import Bridge, pick_subnet
from .sshhost import SshHost, keygen, sudo_user_files



def dust_server_pid(dust_home):
    """The pid of the dust server of `dust_home` (its lock file holds it), or None when none runs."""
    try:
        with open(os.path.join(dust_home, "run", "server.lock")) as f:
            pid = int(f.read().strip() or 0)
    except (OSError, ValueError):
        return None
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return pid if pid and b"dust" in f.read() else None
    except OSError:
        return None

class Sandbox:
    """Bring everything up in __init__; `stop()` (or the with-block, or exit) tears it all down.

    hosts:     how many running seed rows get an ssh host, in table order (int), or "all".
    instances: rows to seed instead of seed.SEED.
    bulk:      extra running instances without hosts (benchmarks: 2000).
    agent:     start the HostAgent, which gives new running instances in the subnet (e.g. from `load`) a host.
    sudo_user: (name, password): every host also has this login user, whose sudo asks for the password
               (namespace mode; the test key logs in as it too).
    """

    def __init__(self, hosts=4, instances=None, bulk=0, agent=False, auth=True, sudo_user=None):
        self.timings = {}
        t0 = time.monotonic()
        self.dir = tempfile.mkdtemp(prefix="dust-tb-")
        procs.on_exit(self._remove_dir)
        self.ns = isolation.current_ns()
        if isolation.is_root() and not self.ns:
            raise RuntimeError("testbed: as root, call testbed.isolate() (or testbed.main()) first, so that "
                               "nothing the sandbox or dust does can leave this machine")
        self.isolated = bool(self.ns)
        # Namespace mode: hosts at 10.231.X.11+ on port 22. Fallback: 127.0.0.11+ on one shared free port.
        self.subnet_cidr = pick_subnet() if self.isolated else "127.0.0.0/24"
        self.ssh_port = 22 if self.isolated else free_port()
        self.hosts = []
        self.agent = self.bridge = None
        self._lock = threading.Lock()
        self._stopped = False
        self._make_home()
        self.etc = None
        if sudo_user:
            if not self.isolated:
                raise RuntimeError("testbed: sudo_user needs namespace hosts (root)")
            os.chmod(self.authorized_keys, 0o644)
            self.etc = sudo_user_files(self.dir, *sudo_user)
        procs.on_exit(self.stop)

        # Hosts need only their planned IPs, so they come up in a thread while moto boots and is seeded.
        planned = seedmod.plan(instances if instances is not None else seedmod.SEED, self.subnet_cidr)
        running = [(row, ip) for row, ip in planned if row.state == "running"]
        wanted = running if hosts == "all" else running[:hosts]
        host_error = []
        hosts_thread = threading.Thread(target=self._start_hosts, args=(wanted, host_error))
        hosts_thread.start()
        try:
            self.moto = Moto(self.dir, auth=auth)
            self.timings["moto"] = time.monotonic() - t0
            t1 = time.monotonic()
            self.ec2 = self.moto.client("ec2")
            vpc_cidr = "10.231.0.0/16" if self.isolated else "127.0.0.0/16"
            self.vpc, self.subnet = seedmod.create_network(self.ec2, self.subnet_cidr, vpc_cidr)
            self.instances = seedmod.seed(self.ec2, self.subnet, planned, self.public_key)
            self.bulk_ids = seedmod.seed_bulk(self.ec2, self.vpc, bulk) if bulk else []
            self.timings["seed"] = time.monotonic() - t1
        finally:
            hosts_thread.join()
        if host_error:
            raise host_error[0]
        if agent:
            from .agent import HostAgent
            self.agent = HostAgent(self)
        self.timings["total"] = time.monotonic() - t0
        self.timings["seeded"] = self.timings["seed"] + self.timings["moto"]

    def _start_hosts(self, wanted, error):
        # Hostname = the Name tag; an instance without one gets unnamed-<last octet>.
        t = time.monotonic()
        try:
            self.bridge = Bridge(self.subnet_cidr, self.ns) if self.isolated else None
            for row, ip in wanted:
                self.add_host(ip, row.name or f"unnamed-{ip.rsplit('.', 1)[1]}")
        except Exception as e:  # raised again in the main thread
            error.append(e)
        self.timings["hosts"] = time.monotonic() - t
        self.timings["per_host"] = self.timings["hosts"] / len(wanted) if wanted else 0.0

    # -- the client side: what dust sees ----------------------------------------------------------
    def _make_home(self):
        """A hermetic HOME: the test key as default identity, an ssh config for the test hosts, nothing else."""
        self.home = os.path.join(self.dir, "home")
        self.dust_home = os.path.join(self.home, ".dustcluster")
        ssh = os.path.join(self.home, ".ssh")
        os.makedirs(ssh, mode=0o700)
        self.identity = os.path.join(ssh, "id_ed25519")
        self.public_key = keygen(self.identity, "dust-test-client")
        self.authorized_keys = os.path.join(self.dir, "authorized_keys")
        with open(self.authorized_keys, "w") as f:
            f.write(self.public_key + "\n")
        self.known_hosts = os.path.join(ssh, "known_hosts")
        self.ssh_config = os.path.join(ssh, "config")
        pattern = "10.231.*" if self.isolated else "127.0.0.*"
        user = "root" if isolation.is_root() else os.environ.get("USER") or os.getlogin()
        # Absolute paths, so OpenSSH (which ignores $HOME) can use it too: `ssh -F <ssh_config> ip`.
        lines = [f"Host {pattern}", f"    User {user}", f"    IdentityFile {self.identity}",
                 f"    UserKnownHostsFile {self.known_hosts}", "    StrictHostKeyChecking accept-new"]
        if self.ssh_port != 22:
            lines.append(f"    Port {self.ssh_port}")
        with open(self.ssh_config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def env(self, **extra):
        """Environment for running dust (or any AWS/ssh client) against the sandbox, hermetically."""
        # The sanitizer options come from `make asan` (scripts/asan.sh): where a sanitized dust writes reports.
        keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TERM", ENV_NS, "ASAN_OPTIONS",
                                           "UBSAN_OPTIONS", "LSAN_OPTIONS") if k in os.environ}
        env = dict(keep, HOME=self.home, DUST_HOME=self.dust_home, NO_COLOR="1", **self.moto.env())
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def ssh_argv(self, host, *cmd):
        """OpenSSH client argv that reaches `host` (an SshHost or a name) with the test key: a reference client."""
        h = self.host(host) if isinstance(host, str) else host
        return ["ssh", "-F", self.ssh_config, "-o", "BatchMode=yes", h.ip, *cmd]

    # -- hosts ------------------------------------------------------------------------------------
    def add_host(self, ip, hostname):
        with self._lock:
            if self.bridge:
                ns, veth = self.bridge.add_host(ip)
                h = SshHost(hostname, ip, self.dir, self.authorized_keys, ns=ns, veth=veth, bridge=self.bridge,
                            etc=self.etc)
            else:
                h = SshHost(hostname, ip, self.dir, self.authorized_keys, port=self.ssh_port)
            self.hosts.append(h)
            return h

    def host(self, name_or_ip):
        for h in self.hosts:
            if name_or_ip in (h.hostname, h.ip):
                return h
        raise KeyError(f"no test host {name_or_ip!r}; have {[h.hostname for h in self.hosts]}")

    def instance(self, name):
        """The one seeded instance with this Name tag (error if none or several)."""
        found = [i for i in self.instances if i.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} seeded instances named {name!r}")
        return found[0]

    def banner(self):
        lines = [f"sandbox in {self.dir}" + (f" (network namespace {self.ns})" if self.ns else " (no isolation)"),
                 f"  moto   {self.moto.url}  region {self.moto.region}  key {self.moto.key_id}",
                 f"  subnet {self.subnet_cidr} ({self.subnet}, {self.vpc})"]
        hosted = {h.ip for h in self.hosts}
        for i in self.instances:
            mark = "ssh" if i.ip in hosted else ""
            lines.append(f"  {i.name or '-':8} {i.id:20} {i.state:8} {i.ip:14} {mark}")
        if self.bulk_ids:
            lines.append(f"  + {len(self.bulk_ids)} bulk instances (no hosts)")
        return "\n".join(lines)

    def dead_services(self):
        """The services of this sandbox that are no longer running (moto, each host's sshd), described as
        "moto_server (pid 123, killed by SIGINT)"; empty while all run."""
        services = [("moto_server", getattr(getattr(self, "moto", None), "proc", None))]
        services += [(f"sshd {h.hostname}", h.proc) for h in self.hosts]
        return [f"{name} (pid {p.pid}, {procs.describe_exit(p.returncode)})"
                for name, p in services if p is not None and p.poll() is not None]

    # -- teardown ---------------------------------------------------------------------------------
    def dust_server_pid(self):
        """The pid of this sandbox's dust server, or None when none runs."""
        return dust_server_pid(self.dust_home)

    def stop_dust_server(self):
        """Interactive dust leaves a server behind when a test kills its client: end it (kill-server,
        then SIGKILL by the pid its lock file names)."""
        from .harness import dust_bin
        if self.dust_server_pid() is None:
            return
        subprocess.run([dust_bin(), "--yes", "kill-server"], env=self.env(), capture_output=True, timeout=30)
        pid = self.dust_server_pid()
        for _ in range(50):
            if pid is None or not os.path.exists(f"/proc/{pid}"):
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)

    def stop(self):
        if self._stopped:
            return
        self._stopped = True
        self.stop_dust_server()
        if self.agent:
            self.agent.stop()
        for h in self.hosts:
            h.stop()
        self.moto.stop() if hasattr(self, "moto") else None
        if self.ns:
            # Host namespaces are ours alone (named after our client namespace): delete them now.
            for h in self.hosts:
                procs.run(["ip", "netns", "del", h.ns], check=False)
            if self.bridge:
                procs.run(["ip", "link", "del", self.bridge.name], check=False)

    def _remove_dir(self):
        if os.environ.get("DUST_TESTBED_KEEP"):  # keep logs and configs to debug a failure
            print(f"testbed: kept {self.dir}", flush=True)
            return
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        self._remove_dir()


ENV_NS = isolation.ENV_MARK
