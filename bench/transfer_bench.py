"""Benchmark: put/get of one file to N loopback hosts and back — dust against clush --copy/--rcopy and
parallel-scp/parallel-slurp (pssh) in the same run, and against what the machine can do.

    python3 bench/transfer_bench.py [--hosts 20] [--mb 100] [--dust build/dust]

All hosts are 127.0.0.x on one sshd (bench/hosts.py) inside an isolated namespace: nothing leaves the
machine. dust finds them through moto instances whose private IPs are those addresses. The machine's
capability is measured twice: N parallel `ssh host 'cat > /dev/null' < file` (the same transport, no file
protocol, no remote disk), and a dd of the same size to the remote side's disk. Goals: dust ≥ the best
peer, and ≥ 0.9 × the ssh-cat capability.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import testbed  # noqa: E402
from testbed.moto import Moto  # noqa: E402
import hosts as fleetmod  # noqa: E402


def timed(argv, env, label, check=True, stdin=None):
    t = time.monotonic()
    p = subprocess.run(argv, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.monotonic() - t
    if check and p.returncode != 0:
        raise SystemExit(f"{label} failed ({p.returncode}): {p.stderr[-2000:]}{p.stdout[-2000:]}")
    return dt


def parallel_cat(fleet, src, env):
    t = time.monotonic()
    procs = []
    for a in fleet.addresses:
        f = open(src, "rb")
        procs.append((subprocess.Popen(fleet.ssh_argv(a, "cat > /dev/null"), env=env, stdin=f,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), f))
    for p, f in procs:
        p.wait()
        f.close()
        if p.returncode:
            raise SystemExit(f"ssh cat failed: {p.stderr.read()[-500:]}")
    return time.monotonic() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--dust", default=testbed.dust_bin())
    args = ap.parse_args()
    testbed.isolate()
    work = tempfile.mkdtemp(prefix="dust-xfer-bench-")
    moto = fleet = None
    try:
        moto = Moto(work, auth=False)
        addrs = fleetmod.seed_moto(moto.client("ec2"), args.hosts)
        fleet = fleetmod.LoopbackFleet(addrs)
        env = fleet.env(**moto.env(), DUST_HOME=os.path.join(fleet.home, ".dustcluster"))
        n, size = args.hosts, args.mb * 1_000_000
        total = n * size
        src = os.path.join(work, "payload.bin")
        with open(src, "wb") as f:
            for _ in range(args.mb):
                f.write(os.urandom(1_000_000))
        os.chmod(work, 0o755)
        os.chmod(src, 0o644)
        home = fleetmod.HOME
        dest = os.path.join(home, "xfer")
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        shutil.chown(dest, fleetmod.USER)
        hostlist = ",".join(fleet.addresses)

        def rate(dt):
            return total / dt / 1e6

        results = {}
        # Warm-up: host keys, page cache of the payload, dust's first EC2 call.
        timed([args.dust, "@bench*", "true"], env, "dust warm-up")
        cap_cat = parallel_cat(fleet, src, env)
        ssh_one = time.monotonic()
        with open(src, "rb") as f:
            timed(fleet.ssh_argv(fleet.addresses[0], "cat > /dev/null"), env, "ssh cat", stdin=f)
        ssh_one = time.monotonic() - ssh_one
        dd = timed(["dd", "if=/dev/zero", f"of={os.path.join(work, 'dd.bin')}", "bs=1M", f"count={args.mb * n}",
                    "conv=fdatasync"], env, "dd")
        os.remove(os.path.join(work, "dd.bin"))

        results["put dust"] = timed([args.dust, "put", "bench*", src, dest], env, "dust put")
        results["put clush --copy"] = timed(["clush", "-f", "64", "-o", f"-F {fleet.ssh_config}", "-w", hostlist,
                                             "--copy", src, "--dest", dest], env, "clush --copy")
        results["put parallel-scp"] = timed(["parallel-scp", "-p", "64", "-h", fleet.hostfile, "-x",
                                             f"-F {fleet.ssh_config}", src, dest], env, "parallel-scp")
        remote = os.path.join(dest, "payload.bin")
        for d in ("dust", "clush", "pssh"):
            os.makedirs(os.path.join(work, "get-" + d))
        results["get dust"] = timed([args.dust, "get", "bench*", remote, os.path.join(work, "get-dust")], env,
                                    "dust get")
        results["get clush --rcopy"] = timed(["clush", "-f", "64", "-o", f"-F {fleet.ssh_config}", "-w", hostlist,
                                              "--rcopy", remote, "--dest", os.path.join(work, "get-clush")], env,
                                             "clush --rcopy")
        results["get parallel-slurp"] = timed(["parallel-slurp", "-p", "64", "-h", fleet.hostfile, "-x",
                                               f"-F {fleet.ssh_config}", "-L", os.path.join(work, "get-pssh"),
                                               remote, "payload.bin"], env, "parallel-slurp")
        got = sum(1 for _, _, fs in os.walk(os.path.join(work, "get-dust")) for x in fs if x == "payload.bin")
        if got != n:
            raise SystemExit(f"dust get produced {got} copies, expected {n}")

        print(f"{n} loopback hosts × {args.mb} MB = {total / 1e6:.0f} MB each way; {os.cpu_count()} CPUs")
        print(f"machine: {n} parallel ssh 'cat > /dev/null' {cap_cat:.2f} s ({rate(cap_cat):.0f} MB/s); "
              f"one ssh cat {size / ssh_one / 1e6:.0f} MB/s; dd to disk {rate(dd):.0f} MB/s")
        for k, v in results.items():
            print(f"  {k:20} {v:6.2f} s  {rate(v):6.0f} MB/s")
        for way in ("put", "get"):
            mine = results[f"{way} dust"]
            peers = {k: v for k, v in results.items() if k.startswith(way) and "dust" not in k}
            best = min(peers, key=peers.get)
            cap = max(cap_cat, dd)
            ok_peer = mine <= peers[best]
            ok_cap = rate(mine) >= 0.9 * rate(cap)
            print(f"{way}: dust / best peer ({best}) = {peers[best] / mine:.2f}x "
                  f"({'met' if ok_peer else 'MISSED'}); dust / machine = {rate(mine) / rate(cap):.2f} "
                  f"(goal ≥ 0.9: {'met' if ok_cap else 'MISSED'})")
    finally:
        if fleet:
            fleet.stop()
        if moto:
            moto.stop()
        shutil.rmtree(os.path.join(fleetmod.HOME, "xfer"), ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
