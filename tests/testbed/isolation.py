"""Run the current test/demo process inside its own network namespace, so nothing it does leaves the machine."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ENV_MARK = "DUST_TESTBED_NS"   # set in the re-executed child: the name of its client namespace


def is_root():
    return os.geteuid() == 0


def current_ns():
    """Name of the client namespace we run in, or None when not isolated."""
    return os.environ.get(ENV_MARK) or None


def isolate():
    """Re-exec this program in a fresh namespace `dust-c<pid>` (root only) and exit with its status.

    Inside, only `lo` exists (the sandbox adds a bridge for its hosts): moto, boto3 and dust share that
    loopback and there is no route off the machine, so moto's invented public IPs are unreachable.
    The outer process waits, then kills whatever is left in our namespaces and deletes them. The child's
    TMPDIR is a directory of this run, removed at the end too: a child killed with SIGKILL (no atexit)
    leaves no sandbox directories behind (DUST_TESTBED_KEEP keeps it, for debugging).
    Returns (only) in the child, or when not root (no isolation: the loopback fallback is used).
    """
    if current_ns() or not is_root():
        return
    sweep_stale_namespaces()
    ns = f"dust-c{os.getpid()}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    run_tmp = tempfile.mkdtemp(prefix=f"{ns}-")
    os.chmod(run_tmp, 0o755)  # traversable like /tmp: what is inside keeps its own modes (sandboxes: 0700)
    rc = 1
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        env = dict(os.environ, **{ENV_MARK: ns, "TMPDIR": run_tmp})
        # nsenter, not `ip netns exec`: the child must stay in our mount namespace, or the host namespaces it
        # creates (bind mounts under /run/netns) would be invisible here and escape the cleanup below.
        argv = ["nsenter", f"--net=/run/netns/{ns}", "--", sys.executable, *sys.orig_argv[1:]]
        child = subprocess.Popen(argv, env=env)
        # Ctrl-C reaches the child through the terminal; the outer must survive it to clean up.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda s, _f: child.send_signal(s))
        rc = child.wait()
    finally:
        delete_namespaces(ns)
        if os.environ.get("DUST_TESTBED_KEEP"):
            print(f"testbed: kept {run_tmp}", flush=True)
        else:
            shutil.rmtree(run_tmp, ignore_errors=True)
    os._exit(rc if rc >= 0 else 128 - rc)


def sweep_stale_namespaces():
    """Deletes the namespaces of earlier runs whose outer process died without its cleanup (SIGKILL):
    `dust-c<pid>[-…]` where that pid no longer runs and nothing runs inside."""
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for name in (line.split()[0] for line in out.splitlines() if line.strip()):
        m = re.match(r"dust-c(\d+)(-|$)", name)
        if not m or _running(int(m.group(1))):
            continue
        if subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout.strip():
            continue
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def our_namespaces(prefix):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    return [n for n in names if n == prefix or n.startswith(prefix + "-")]


def delete_namespaces(prefix):
    """Kill every process still in namespace `prefix` or `prefix-*` (all ours: the names are unique per run),
    then delete them. Host namespaces go first; the client namespace (and its bridge) last."""
    names = sorted(our_namespaces(prefix), key=lambda n: n == prefix)
    killed = []
    for n in names:
        pids = subprocess.run(["ip", "netns", "pids", n], capture_output=True, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
                killed.append(int(pid))
            except ProcessLookupError:
                pass
    # SIGKILL is delivered asynchronously: on a busy machine a process can still run for a moment
    # after kill() returns. Wait (bounded) until each is gone or a zombie, so "deleted" means gone.
    deadline = time.monotonic() + 10
    while killed and time.monotonic() < deadline:
        killed = [pid for pid in killed if _running(pid)]
        if killed:
            time.sleep(0.02)
    for n in names:
        subprocess.run(["ip", "netns", "del", n], capture_output=True)


def _running(pid):
    """True while pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False
