"""One OpenSSH sshd per test host: in its own network namespace (root) or on a 127.0.0.x address (fallback)."""
import os
import signal
import subprocess
import sys

from . import procs

SSHD = "/usr/sbin/sshd"


def keygen(path, comment="dust-testbed"):
    for p in (path, path + ".pub"):
        if os.path.exists(p):
            os.remove(p)
    procs.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])
    with open(path + ".pub") as f:
        return f.read().strip()


def _sshd_config(listen, host_key, authorized_keys, user_root, sftp="internal-sftp"):
    return "\n".join([
        f"ListenAddress {listen}",
        f"HostKey {host_key}",
        "PidFile none",                       # we track the pid ourselves; no shared /run file
        "PermitRootLogin prohibit-password" if user_root else "PermitRootLogin no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",                     # the test key lives in a temp dir with default modes
        f"AuthorizedKeysFile {authorized_keys}",
        "PrintMotd no",
        "PrintLastLog no",
        f"Subsystem sftp {sftp}",            # put/get use the same connection's SFTP subsystem
        "MaxStartups 200:30:200",
        "MaxSessions 50",
        "ClientAliveInterval 0",
        "LogLevel VERBOSE",                   # "Postponed publickey": a key offered unsigned first
    ]) + "\n"


def sudo_user_files(workdir, name, password, uid=4242):
    """/etc files for a host with one more login user, `name`, whose sudo asks for `password` every time
    (timestamp_timeout=0: no cached credentials shared between hosts). Bound over /etc inside each
    host's mount namespace (SshHost etc=), so this machine's own /etc is never changed."""
    etc = os.path.join(workdir, "etc")
    os.makedirs(etc, exist_ok=True)
    home = os.path.join(workdir, f"home-{name}")
    os.makedirs(home, exist_ok=True)
    os.chown(home, uid, uid)
    os.chmod(workdir, 0o711)  # the user's sshd reads authorized_keys below it as that user
    hashed = procs.run(["openssl", "passwd", "-6", "-stdin"], input=password + "\n").stdout.strip()
    files = {}
    for path, extra in (("/etc/passwd", f"{name}:x:{uid}:{uid}:dust test:{home}:/bin/bash\n"),
                        ("/etc/group", f"{name}:x:{uid}:\n"),
                        ("/etc/shadow", f"{name}:{hashed}:19000:0:99999:7:::\n")):
        out = os.path.join(etc, os.path.basename(path))
        with open(path) as src, open(out, "w") as dst:
            dst.write(src.read() + extra)
        os.chmod(out, 0o640 if path == "/etc/shadow" else 0o644)
        files[path] = out
    sudoers = os.path.join(etc, "sudoers")
    with open(sudoers, "w") as f:
        f.write(f"Defaults timestamp_timeout=0\nDefaults !lecture\nroot ALL=(ALL:ALL) ALL\n{name} ALL=(ALL:ALL) ALL\n")
    os.chmod(sudoers, 0o440)
    files["/etc/sudoers"] = sudoers
    return files


def _children(pid):
    """All descendants of pid (for the loopback fallback, where there is no namespace to list)."""
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


class SshHost:
    """A running sshd. `ip`, `port`, `hostname`, `host_key` (public line); fault helpers below.

    With a namespace (root): sshd listens on ip:22 inside `ns`, in its own UTS namespace (hostname) and
    mount namespace where /root is a per-host directory, so each host has its own home and files.
    Without (fallback): sshd listens on ip:port on this machine's loopback, as the current user.
    """

    def __init__(self, hostname, ip, workdir, authorized_keys, ns=None, veth=None, bridge=None, port=22,
                 etc=None):
        self.hostname, self.ip, self.port = hostname, ip, port
        self.etc = etc  # {"/etc/passwd": file, ...} bound over this host's /etc (a sudo user), namespace mode
        self.ns, self.veth, self.bridge = ns, veth, bridge
        self.dir = os.path.join(workdir, "hosts", f"{hostname}-{ip}")
        self.home = os.path.join(self.dir, "root")
        os.makedirs(self.home, exist_ok=True)
        self.key_path = os.path.join(self.dir, "ssh_host_ed25519_key")
        self.config_path = os.path.join(self.dir, "sshd_config")
        self.log_path = os.path.join(self.dir, "sshd.log")
        self.authorized_keys = authorized_keys
        self.proc = None
        self.sftp = "internal-sftp"  # the Subsystem sftp command (use_sftp)
        self.host_key = keygen(self.key_path, f"host-{hostname}")
        self.start()

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self):
        with open(self.config_path, "w") as f:
            f.write(_sshd_config(f"{self.ip}:{self.port}", self.key_path, self.authorized_keys,
                                 user_root=os.geteuid() == 0, sftp=self.sftp))
        os.makedirs("/run/sshd", exist_ok=True) if os.geteuid() == 0 else None  # privsep dir
        offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        sshd = [SSHD, "-D", "-f", self.config_path, "-E", self.log_path]
        if self.ns:
            script = ('hostname "$1" && mount --bind "$2" /root && shift 2 && '
                      'while [ "$1" != -- ]; do mount --bind "$1" "$2" || exit 1; shift 2; done; shift; exec "$@"')
            binds = [x for dst, src in (self.etc or {}).items() for x in (src, dst)]
            if self.etc:
                hosts = os.path.join(self.dir, "hosts")
                with open(hosts, "w") as f:
                    f.write(f"127.0.0.1 localhost\n127.0.1.1 {self.hostname}\n")
                binds += [hosts, "/etc/hosts"]
            argv = ["ip", "netns", "exec", self.ns, "unshare", "--uts", "--mount", "--propagation", "slave",
                    "sh", "-c", script, "sh", self.hostname, self.home, *binds, "--", *sshd]
        else:
            argv = sshd
        self.proc = procs.start(argv, stdin=subprocess.DEVNULL)

        def listening():
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd for {self.hostname} exited: {self.log()[-1500:]}")
            with open(self.log_path, errors="replace") as f:
                f.seek(offset)
                return "Server listening on" in f.read()
        procs.wait_for(lambda: os.path.exists(self.log_path) and listening(), 10, f"sshd {self.hostname}")

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def pids(self):
        """Every process of this host: the listener and all sessions (even orphaned ones)."""
        if self.ns:
            out = procs.run(["ip", "netns", "pids", self.ns], check=False).stdout.split()
            return [int(p) for p in out]
        if self.proc and self.proc.poll() is None:
            return [self.proc.pid, *_children(self.proc.pid)]
        return []

    def stop(self):
        """Tear down: the listener and every session on this host."""
        for pid in self.pids():
            if not self.proc or pid != self.proc.pid:
                _signal(pid, signal.SIGKILL)
        if self.proc:
            procs.stop(self.proc)

    # -- faults ----------------------------------------------------------------------------------
    def kill_listener(self):
        """New connections are refused; sessions already open keep working."""
        procs.stop(self.proc)

    def kill(self):
        """The host dies: listener and every open session go (connection lost, then refused)."""
        self.stop()

    def restart(self, new_host_key=False):
        """Restart sshd (after kill/kill_listener); with new_host_key the client sees a changed host key."""
        if self.proc and self.proc.poll() is None:
            procs.stop(self.proc)
        if new_host_key:
            self.host_key = keygen(self.key_path, f"host-{self.hostname}-new")
        self.start()

    def use_sftp(self, command=None):
        """Restart sshd with `command` as its SFTP subsystem (e.g. a wrapper that counts SFTP sessions);
        None puts internal-sftp back. Open sessions keep the subsystem they started with."""
        self.sftp = command or "internal-sftp"
        self.restart()

    _STALL = ("import socket, sys\n"
              "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
              "s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16); print('listening', flush=True); held = []\n"
              "while True:\n"
              "    c, _ = s.accept(); c.sendall(b'SSH-2.0-OpenSSH_9.2 stalled\\r\\n'); held.append(c)\n")

    def stall_after_banner(self):
        """The listener is replaced by one that sends an ssh banner and then nothing: a host that is alive
        but never finishes a handshake (restart() brings sshd back)."""
        procs.stop(self.proc)
        argv = [sys.executable, "-c", self._STALL, self.ip, str(self.port)]
        if self.ns:
            argv = ["ip", "netns", "exec", self.ns, *argv]
        self.proc = procs.start(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "listening":
            raise RuntimeError(f"stalling listener for {self.hostname} did not start")

    def blackhole(self, on=True):
        """Packets to this host vanish (connect/read timeouts), not refused. Needs the namespace mode.
        A permanent neighbour entry stops the kernel from failing fast with 'no route to host'."""
        if not self.veth:
            raise RuntimeError("blackhole needs namespace hosts (root)")
        if on:
            mac = procs.run(["ip", "-n", self.ns, "-br", "link", "show", "eth0"]).stdout.split()[2]
            procs.run(["ip", "neigh", "replace", self.ip, "lladdr", mac, "dev", self.bridge.name,
                       "nud", "permanent"])
        self.bridge.link(self.veth, up=not on)

    def hide_from_client(self, on=True):
        """Only other hosts reach this one (a private subnet behind a jump host): the client namespace gets
        an `unreachable` route for its IP, so dust's direct connections fail at once while the hosts on
        the bridge still talk to it. Needs the namespace mode."""
        if not self.veth:
            raise RuntimeError("hide_from_client needs namespace hosts (root)")
        procs.run(["ip", "route", "replace" if on else "del", "unreachable", f"{self.ip}/32"], check=on)

    def accepted_from(self, ip):
        """How many logins this host's sshd accepted from `ip` (its log, so far)."""
        return sum(1 for l in self.log().splitlines() if "Accepted publickey" in l and f" from {ip} " in l)

    def log_lines_since(self, offset, needle):
        """Lines of this host's sshd log written after byte `offset` that contain `needle`."""
        with open(self.log_path, errors="replace") as f:
            f.seek(offset)
            return [l for l in f.read().splitlines() if needle in l]

    def log_size(self):
        return os.path.getsize(self.log_path)

    def pause(self, on=True):
        """SIGSTOP (or SIGCONT) every process of the host: it accepts TCP but never answers (a hang)."""
        for pid in self.pids():
            _signal(pid, signal.SIGSTOP if on else signal.SIGCONT)

    def resume(self):
        self.pause(False)

    # -- for tests ---------------------------------------------------------------------------------
    def hostile(self, payload):
        """The host turns hostile (an attacker owns it): its login shell's profile makes `uptime` print
        `payload` (bytes: escape sequences, fake prompts, control-byte floods, CR tricks) instead, read
        anew at each call, so a test changes the payload without a new login. hostile(None) undoes it.
        Only sessions that log in afterwards run the profile."""
        profile = os.path.join(self.home, ".bash_profile")
        data = os.path.join(self.home, "payload")
        if payload is None:
            for p in (profile, data):
                if os.path.exists(p):
                    os.remove(p)
            return
        with open(data, "wb") as f:
            f.write(payload)
        with open(profile, "w") as f:
            f.write("# A hostile node (testbed): an innocent command answers with the attacker's bytes.\n"
                    "uptime() { cat /root/payload; }\n")

    def known_hosts_line(self):
        host = self.ip if self.port == 22 else f"[{self.ip}]:{self.port}"
        return f"{host} {' '.join(self.host_key.split()[:2])}"

    def fingerprint(self):
        return procs.run(["ssh-keygen", "-l", "-E", "sha256", "-f", self.key_path + ".pub"]).stdout.split()[1]

    def __repr__(self):
        return f"SshHost({self.hostname} {self.ip}:{self.port} ns={self.ns})"


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
