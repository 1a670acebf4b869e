"""Benchmark: put/get of one file to N loopback hosts and back — dust against clush --copy/--rcopy and
parallel-scp/parallel-slurp (pssh) in the same run, and against what the machine can do.

    python3 bench/transfer_bench.py [--hosts 20] [--mb 100] [--dust build/dust]

All hosts are 127.0.0.x on one sshd (bench/hosts.py) inside an isolated namespace: nothing leaves the
machine. Each host logs in as a user of its own and writes below its own home (`xfer`, a relative path), as
on real machines; one shared directory for all hosts made every upload that creates and renames files
(dust's temporary names, its put -r staging) fight the others for the same directory and inode table. dust finds them through moto instances whose private IPs are those addresses. The machine's
capability is measured three ways: N parallel `ssh host 'cat > /dev/null' < file` (the same transport, no file
protocol, no remote disk: the goal's yardstick), the same `cat` into a file per host (what any upload must
also do: write the bytes), and a dd of the same size to the remote side's disk. Goals: dust ≥ the best
peer, and ≥ 0.9 × the ssh-cat capability; dust's peak RSS during the put ≤ 64 MB. A second put case:
a tree of --files small files (`put -r`) against the same peers. Before every timed run the page cache is
written back (sync), so no tool pays for the previous one's writes.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import testbed  # noqa: E402
from testbed import procs  # noqa: E402
from testbed.moto import Moto  # noqa: E402
import hosts as fleetmod  # noqa: E402
from common import met, parallel, settle, timed  # noqa: E402


PEAK_RSS = {}  # label → the process's peak RSS in MB


def timed_rss(argv, env, label):
    """Like timed, for one process whose peak RSS (MB) is recorded in PEAK_RSS: its VmHWM, read while it
    runs (wait4's ru_maxrss would count the forking Python's pages too)."""
    settle()
    t = time.monotonic()
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
        hwm = 0
        while p.poll() is None:
            hwm = max(hwm, procs.vm_hwm_kb(p.pid) or 0)
            time.sleep(0.01)
        dt = time.monotonic() - t
        if p.returncode != 0:
            out.seek(0)
            raise SystemExit(f"{label} failed ({p.returncode}): {out.read()[-3000:].decode(errors='replace')}")
    PEAK_RSS[label] = hwm / 1024
    return dt


def make_tree(root, files, rng):
    """`files` small files (1-8 KB, some executable) in 20 directories below root/tree."""
    tree = os.path.join(root, "tree")
    for i in range(files):
        d = os.path.join(tree, f"d{i % 20:02d}")
        os.makedirs(d, exist_ok=True)
        p = os.path.join(d, f"f{i:05d}.txt")
        with open(p, "wb") as f:
            f.write(rng.randbytes(rng.randint(1024, 8192)))
        os.chmod(p, 0o755 if i % 7 == 0 else 0o644)
    for dirpath, dirs, _ in os.walk(tree):
        os.chmod(dirpath, 0o755)
    return tree


def parallel_cat(fleet, src, env, dest=None):
    """N parallel `ssh host 'cat > /dev/null' < src` (or, with dest, each into a file of its own there)."""
    return parallel([fleet.ssh_argv(a, f"cat > {dest}/.cat-{a}" if dest else "cat > /dev/null")
                     for a in fleet.addresses], env, "ssh cat", stdin=src)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--files", type=int, default=2000, help="small files in the put -r case (0: none)")
    ap.add_argument("--dust", default=testbed.dust_bin())
    ap.add_argument("--dust-before", help="another dust binary whose put is timed too (a before/after)")
    args = ap.parse_args()
    testbed.isolate()
    work = tempfile.mkdtemp(prefix="dust-xfer-bench-")
    moto = fleet = None
    try:
        moto = Moto(work, auth=False)
        addrs = fleetmod.seed_moto(moto.client("ec2"), args.hosts)
        fleet = fleetmod.LoopbackFleet(addrs, own_homes=True)
        env = fleet.env(**moto.env(), DUST_HOME=os.path.join(fleet.home, ".dustcluster"))
        n, size = args.hosts, args.mb * 1_000_000
        total = n * size
        src = os.path.join(work, "payload.bin")
        with open(src, "wb") as f:
            for _ in range(args.mb):
                f.write(os.urandom(1_000_000))
        os.chmod(work, 0o755)
        os.chmod(src, 0o644)
        # Each host writes below its own home (own_homes), as real machines do: `xfer` is relative.
        dest = "xfer"
        for a in fleet.addresses:
            d = os.path.join(fleet.home_of(a), dest)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            shutil.chown(d, fleet.user_of(a))
        hostlist = ",".join(fleet.addresses)

        def rate(dt):
            return total / dt / 1e6

        results = {}
        # Warm-up: host keys, page cache of the payload, dust's first EC2 call.
        timed([args.dust, "@bench*", "true"], env, "dust warm-up")
        cap_cat = parallel_cat(fleet, src, env)
        cap_file = parallel_cat(fleet, src, env, dest)
        for a in fleet.addresses:
            os.remove(os.path.join(fleet.home_of(a), dest, f".cat-{a}"))
        ssh_one = time.monotonic()
        with open(src, "rb") as f:
            timed(fleet.ssh_argv(fleet.addresses[0], "cat > /dev/null"), env, "ssh cat", stdin=f)
        ssh_one = time.monotonic() - ssh_one
        dd = timed(["dd", "if=/dev/zero", f"of={os.path.join(work, 'dd.bin')}", "bs=1M", f"count={args.mb * n}",
                    "conv=fdatasync"], env, "dd").wall
        os.remove(os.path.join(work, "dd.bin"))

        results["put dust"] = timed_rss([args.dust, "put", "bench*", src, dest], env, "dust put")
        for a in fleet.addresses:
            if os.path.getsize(os.path.join(fleet.home_of(a), dest, "payload.bin")) != size:
                raise SystemExit(f"dust put: {a} did not get the whole file")
        if args.dust_before:
            before = timed([args.dust_before, "put", "bench*", src, dest], env, "dust-before put").wall
            print(f"  (dust before: put {before:.2f} s, {rate(before):.0f} MB/s; not a peer)")
        results["put clush --copy"] = timed(["clush", "-f", "64", "-o", f"-F {fleet.ssh_config}", "-w", hostlist,
                                             "--copy", src, "--dest", dest], env, "clush --copy").wall
        results["put parallel-scp"] = timed(["parallel-scp", "-p", "64", "-h", fleet.hostfile, "-x",
                                             f"-F {fleet.ssh_config}", src, dest], env, "parallel-scp").wall
        remote = os.path.join(dest, "payload.bin")
        for d in ("dust", "clush", "pssh"):
            os.makedirs(os.path.join(work, "get-" + d))
        results["get dust"] = timed([args.dust, "get", "bench*", remote, os.path.join(work, "get-dust")], env,
                                    "dust get").wall
        results["get clush --rcopy"] = timed(["clush", "-f", "64", "-o", f"-F {fleet.ssh_config}", "-w", hostlist,
                                              "--rcopy", remote, "--dest", os.path.join(work, "get-clush")], env,
                                             "clush --rcopy").wall
        results["get parallel-slurp"] = timed(["parallel-slurp", "-p", "64", "-h", fleet.hostfile, "-x",
                                               f"-F {fleet.ssh_config}", "-L", os.path.join(work, "get-pssh"),
                                               remote, "payload.bin"], env, "parallel-slurp").wall
        got = sum(1 for _, _, fs in os.walk(os.path.join(work, "get-dust")) for x in fs if x == "payload.bin")
        if got != n:
            raise SystemExit(f"dust get produced {got} copies, expected {n}")

        print(f"{n} loopback hosts × {args.mb} MB = {total / 1e6:.0f} MB each way; {os.cpu_count()} CPUs")
        print(f"machine: {n} parallel ssh 'cat > /dev/null' {cap_cat:.2f} s ({rate(cap_cat):.0f} MB/s); "
              f"into files {cap_file:.2f} s ({rate(cap_file):.0f} MB/s); one ssh cat {size / ssh_one / 1e6:.0f} "
              f"MB/s; dd to disk {rate(dd):.0f} MB/s")
        for k, v in results.items():
            print(f"  {k:20} {v:6.2f} s  {rate(v):6.0f} MB/s")
        print(f"  dust peak RSS during put: {PEAK_RSS['dust put']:.0f} MB "
              f"(goal ≤ 64: {met(PEAK_RSS['dust put'] <= 64)})")
        for way in ("put", "get"):
            mine = results[f"{way} dust"]
            peers = {k: v for k, v in results.items() if k.startswith(way) and "dust" not in k}
            best = min(peers, key=peers.get)
            ok_peer = mine <= peers[best]
            ok_cap = rate(mine) >= 0.9 * rate(cap_cat)
            print(f"{way}: dust / best peer ({best}) = {peers[best] / mine:.2f}x "
                  f"({met(ok_peer)}); dust / machine (ssh cat > /dev/null) = "
                  f"{rate(mine) / rate(cap_cat):.2f} (goal ≥ 0.9: {met(ok_cap)}); "
                  f"dust / ssh cat into files = {rate(mine) / rate(cap_file):.2f}")
        sys.stdout.flush()
        if args.files:
            # Many small files: the cost per file (round trips, remote processes) rather than the bytes.
            tree = make_tree(work, args.files, random.Random(14))
            tree_mb = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tree) for f in fs) / 1e6
            small = {}
            for label, argv in (
                    ("put -r dust", [args.dust, "put", "-r", "bench*", tree, dest]),
                    ("put -r clush --copy", ["clush", "-f", "64", "-o", f"-F {fleet.ssh_config}", "-w", hostlist,
                                             "--copy", tree, "--dest", dest]),
                    ("put -r parallel-scp", ["parallel-scp", "-r", "-p", "64", "-h", fleet.hostfile, "-x",
                                             f"-F {fleet.ssh_config}", tree, dest])):
                for a in fleet.addresses:
                    shutil.rmtree(os.path.join(fleet.home_of(a), dest, "tree"), ignore_errors=True)
                small[label] = timed_rss(argv, env, label) if "dust" in label else timed(argv, env, label).wall
                for a in fleet.addresses:
                    got = sum(len(fs) for _, _, fs in os.walk(os.path.join(fleet.home_of(a), dest, "tree")))
                    if got != args.files:
                        raise SystemExit(f"{label}: the tree arrived on {a} with {got} files, expected "
                                         f"{args.files}")
            print(f"{n} hosts × {args.files} small files ({tree_mb:.1f} MB) with put -r:")
            for k, v in small.items():
                print(f"  {k:20} {v:6.2f} s  {n * args.files / v:6.0f} files/s")
            best = min((k for k in small if "dust" not in k), key=small.get)
            print(f"put -r: dust / best peer ({best}) = {small[best] / small['put -r dust']:.2f}x "
                  f"({met(small['put -r dust'] <= small[best])})")
    finally:
        if fleet:
            for a in fleet.addresses:  # 300 MB per host
                shutil.rmtree(os.path.join(fleet.home_of(a), "xfer"), ignore_errors=True)
            fleet.stop()
        if moto:
            moto.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
