"""Benchmark: dust over a real network — every tool and every host behind a delay proxy that adds a
round-trip time (RTT) on loopback (tests/testbed/delay_proxy.py; this kernel has no netem).

    python3 bench/latency_bench.py [--rtts 0,20,50,200] [--quick] [--dust build/dust]

Hosts are 127.0.0.x on one sshd (bench/hosts.py), each logging in as its own user with its own home; the
proxy listens on its own port and forwards each connection to the address it was dialled on, holding every
chunk RTT/2 per direction. The ssh config and known_hosts every client reads (dust, ssh, pdsh, clush) name
the proxy's port, so nothing reaches sshd directly. dust finds the hosts through moto (no delay there).

Per RTT, all in the same run, every time also in round trips (time / RTT):
  warm     `@bench… true` over sessions already open (script mode, wall-clock stamps around 1 and around 21
           such lines: the difference / 20), 2 and 100 hosts; floor 1 RTT, and RTT + the case's own time at
           RTT 0 (CPU: dust, and every node's sshd and shell on this one machine).
  cold     one process logging in and running `true`: dust on 1 host against `ssh host true`; dust on 10
           hosts against pdsh and clush; dust on 1 host with EC2 (moto) behind the same delay, without and
           with its node cache (logins start while EC2 answers).
  put/get  one 20 MB file × 10 hosts: dust against clush --copy/--rcopy and against the wire, 10 parallel
           `ssh host 'cat > f' < file` / `ssh host cat f > file` on the same hosts.
  tree     put -r / get -r of 2,000 × 4 KiB files × 10 hosts against 10 parallel `tar c | ssh host tar x`
           (and `ssh host tar c | tar x`).
  fanout   (not by default; --only fanout --many 500) cold `@bench* true` on the --many hosts at fan-out
           64, 128 and 256 against pdsh at the same fan-out, and against its floor: waves of one host's
           cold login, or dust's CPU over the machine's CPUs.
--quick: RTTs 0 and 50, the 100-host warm case with 30 hosts, trees of 500 files.
Goals (issue 22) printed met/MISSED: put/get ≥ 0.9 × the wire at RTT > 0 and ≥ 1.0 × on loopback, ≥ 1.2 ×
the best peer; put -r / get -r within 1.5 × tar | ssh at RTT 50; warm ≤ 1.1 RTT.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import testbed  # noqa: E402
from testbed import procs  # noqa: E402
from testbed.moto import Moto, free_port  # noqa: E402
import hosts as fleetmod  # noqa: E402
from common import STAMP, measured, met, parallel, settle, stamps, timed  # noqa: E402

MB = 1_000_000


class Proxy:
    """The delay proxy as a process of its own (its CPU is not this one's), restarted per RTT."""

    def __init__(self, upstream_port, workers=1):
        self.upstream = upstream_port
        self.workers = workers
        self.port = free_port()
        self.proc = None

    def start(self, rtt_ms):
        self.stop()
        self.proc = procs.start([sys.executable, "-m", "testbed.delay_proxy", "--listen-port", str(self.port),
                                 "--upstream-port", str(self.upstream), "--rtt-ms", str(rtt_ms),
                                 "--workers", str(self.workers)],
                                env=dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(HERE), "tests")))
        import socket

        def up():
            try:
                socket.create_connection(("127.0.0.2", self.port), 0.2).close()
                return True
            except OSError:
                return False
        procs.wait_for(up, 10, "delay proxy")

    def stop(self):
        if self.proc:
            procs.stop(self.proc)
            self.proc = None


def warm(dust, env, target, extra=20):
    """One `@target true` over open sessions in a script: (1 + extra lines between two stamps, less 1 line
    between two stamps) / extra, so a stamp's own cost cancels out (the first line logs in). Subtracting
    the cost of a stamp measured after another stamp instead left 40-50 ms in the 100-host figure: a
    stamp after a line costs more (a line at RTT 0 was 68 ms that way, 12-16 ms this way)."""
    line = f"@{target} true"
    script = "\n".join([line, STAMP, line, STAMP] + [line] * (1 + extra) + [STAMP]) + "\n"
    p = subprocess.run([dust], env=env, input=script.encode(), capture_output=True)
    st = stamps(p.stdout.decode(errors="replace"))
    if p.returncode != 0 or len(st) != 3:
        raise SystemExit(f"dust warm script failed: {p.stderr.decode(errors='replace')[-1500:]}")
    return ((st[2] - st[1]) - (st[1] - st[0])) / extra


def warm_one_shot(dust, env, target, runs=3):
    """A one-shot `dust @target true` through a session server whose sessions are already open: the best
    of `runs` (process start and the local socket included), the server started and ended here."""
    r = subprocess.run([dust, "start-server"], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"dust start-server failed: {r.stderr[-1500:]}")
    try:
        times = []
        for _ in range(runs + 1):  # the first one logs in
            t = timed([dust, f"@{target}", "true"], env, "dust one-shot", stdin=subprocess.DEVNULL)
            times.append(t.wall)
        return min(times[1:])
    finally:
        subprocess.run([dust, "--yes", "kill-server"], env=env, capture_output=True)


def make_tree(root, files):
    tree = os.path.join(root, "tree")
    for i in range(files):
        d = os.path.join(tree, f"d{i % 20:02d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05d}"), "wb") as f:
            f.write(os.urandom(4096))
    for dirpath, _, _ in os.walk(tree):
        os.chmod(dirpath, 0o755)
    for dirpath, _, fs in os.walk(tree):
        for x in fs:
            os.chmod(os.path.join(dirpath, x), 0o644)
    return tree


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtts", default=None, help="comma-separated RTTs in ms (default 0,20,50,200)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--mb", type=int, default=20)
    ap.add_argument("--xfer-hosts", type=int, default=10)
    ap.add_argument("--only", default="warm,cold,xfer,tree", help="which cases (also: fanout)")
    ap.add_argument("--many", type=int, default=None,
                    help="hosts for the many-host cases (warm, fanout); default 100, --quick 30")
    ap.add_argument("--dust", default=testbed.dust_bin())
    args = ap.parse_args()
    args.dust = os.path.abspath(args.dust)
    rtts = [float(x) for x in (args.rtts or ("0,50" if args.quick else "0,20,50,200")).split(",")]
    many = args.many or (30 if args.quick else 100)
    files = 500 if args.quick else 2000
    only = set(args.only.split(","))
    testbed.isolate()
    work = tempfile.mkdtemp(prefix="dust-latency-bench-")
    os.chmod(work, 0o755)
    moto = fleet = proxy = ec2_proxy = None
    print(f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f}; RTTs {rtts} ms; {args.xfer_hosts} × {args.mb} MB; "
          f"trees of {files} × 4 KiB; warm on 2 and {many} hosts", flush=True)
    try:
        moto = Moto(work, auth=False)
        addrs = fleetmod.seed_moto(moto.client("ec2"), many)  # bench0000…
        fleet = fleetmod.LoopbackFleet(addrs, own_homes=True)
        proxy = Proxy(fleet.port)
        ec2_proxy = Proxy(moto.port)  # EC2 as far away as the nodes (the cold case's second figure)
        fleet.route_through(proxy.port)
        dust_home = os.path.join(fleet.home, ".dustcluster")
        os.makedirs(dust_home, exist_ok=True)
        def set_fanout(n):
            with open(os.path.join(dust_home, "config.yaml"), "w") as f:
                f.write(f"ssh:\n  fanout: {n}\n  connect_timeout: 60\n")
        set_fanout(64)
        env = fleet.env(**moto.env(), DUST_HOME=dust_home)
        nx = args.xfer_hosts
        xhosts = addrs[:nx]
        xpat = "bench000?" if nx == 10 else None
        if xpat is None:
            raise SystemExit("--xfer-hosts must be 10 (names bench0000…bench0009)")
        hostlist = ",".join(xhosts)
        src = os.path.join(work, "payload.bin")
        with open(src, "wb") as f:
            for _ in range(args.mb):
                f.write(os.urandom(MB))
        os.chmod(src, 0o644)
        tree = make_tree(work, files)
        for a in xhosts:
            d = os.path.join(fleet.home_of(a), "xfer")
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            shutil.chown(d, fleet.user_of(a))
        size = args.mb * MB
        total = nx * size
        ssh = f"ssh -F {fleet.ssh_config}"
        summary = []
        at_rtt0 = {}  # warm case → its time at RTT 0 (when the run has RTT 0 first)
        for rtt in rtts:
            proxy.start(rtt)
            ec2_proxy.start(rtt)
            r_s = rtt / 1000 if rtt else None

            def rt(sec):
                return f"{sec / r_s:6.1f} RTT" if r_s else "   loopback"
            print(f"\n== RTT {rtt:.0f} ms", flush=True)
            timed([args.dust, "@bench000?", "true"], env, "warm-up")
            if "warm" in only:
                def beside_loopback(case, w):
                    # What the same case costs at RTT 0 is CPU (dust, and sshd and the shells of every
                    # node on this one machine): RTT plus that is what no client can go under here.
                    if not r_s:
                        at_rtt0[case] = w
                        return ""
                    if case not in at_rtt0:
                        return ""
                    floor = r_s + at_rtt0[case]
                    return f"; RTT + its time at RTT 0 = {floor * 1000:.1f} ms ({floor / r_s:.2f} RTT)"
                for label, pat in (("2", "bench[0000-0001]"), (str(many), "bench*")):
                    w = min(warm(args.dust, env, pat) for _ in range(2))
                    print(f"  warm @* true, {label:>3} hosts  {w * 1000:8.1f} ms {rt(w)}"
                          + (f"  (goal ≤ 1.1 RTT: {met(w <= 1.1 * r_s)})" if r_s else "")
                          + beside_loopback(label, w), flush=True)
                w = warm_one_shot(args.dust, env, "bench[0000-0001]")
                start = min(timed([args.dust, "--version"], env, "dust --version").wall for _ in range(3))
                ssh_start = min(timed(["ssh", "-V"], env, "ssh -V").wall for _ in range(3))
                print(f"  warm one-shot through the server, 2 hosts  {w * 1000:8.1f} ms {rt(w)}"
                      + (f"  (goal ≤ 1.1 RTT: {met(w <= 1.1 * r_s)})" if r_s else "")
                      + beside_loopback("one-shot", w)
                      + f"; of which starting a process (`dust --version` from here) {start * 1000:.1f} ms"
                      + f", `ssh -V` {ssh_start * 1000:.1f} ms", flush=True)
            if "cold" in only:
                d1 = timed([args.dust, "@bench0000", "true"], env, "dust cold 1").wall
                s1 = timed(fleet.ssh_argv(addrs[0], "true"), env, "ssh true").wall
                d10 = timed([args.dust, "@bench000?", "true"], env, "dust cold 10").wall
                hf = os.path.join(work, "hosts10")
                with open(hf, "w") as f:
                    f.writelines(a + "\n" for a in xhosts)
                pd = timed(["pdsh", "-R", "ssh", "-l", fleetmod.USER, "-f", "64", "-w", "^" + hf, "true"],
                           fleet.env(PDSH_SSH_ARGS=f"-F {fleet.ssh_config} -x %h"), "pdsh").wall
                cl = timed(["clush", "-f", "64", "-o", f"-F {fleet.ssh_config}", "-w", hostlist, "-b", "true"],
                           env, "clush").wall
                print(f"  cold 1 host: dust {d1:6.3f} s {rt(d1)}; ssh host true {s1:6.3f} s {rt(s1)}; "
                      f"dust/ssh {d1 / s1:.2f}")
                print(f"  cold 10 hosts: dust {d10:6.3f} s {rt(d10)}; pdsh {pd:6.3f} s; clush {cl:6.3f} s; "
                      f"dust/pdsh {d10 / pd:.2f}, dust/clush {d10 / cl:.2f}", flush=True)
                # EC2 behind the same delay (plain HTTP to moto: one round trip per call; AWS's TLS adds
                # one or two): without the node cache dust asks EC2 first, then logs in; with it, the
                # logins of the nodes the cache names start at once and EC2 confirms them meanwhile.
                far = dict(env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{ec2_proxy.port}")
                shutil.rmtree(os.path.join(dust_home, "cache"), ignore_errors=True)
                nc = timed([args.dust, "@bench0000", "true"], far, "dust cold, EC2 far, no cache").wall
                wc = min(timed([args.dust, "@bench0000", "true"], far, "dust cold, EC2 far, cache").wall
                         for _ in range(2))
                print(f"  cold 1 host, EC2 as far: dust without the node cache {nc:6.3f} s {rt(nc)}; with it "
                      f"{wc:6.3f} s {rt(wc)}; ssh host true {s1:6.3f} s {rt(s1)}; dust/ssh {wc / s1:.2f}",
                      flush=True)
            if "fanout" in only:
                # Item 5: cold on every host against the fan-out. The floor for a fan-out f is
                # ceil(hosts / f) waves of one host's cold login (round trips) or the CPU all the logins
                # need spread over the machine's CPUs, whichever is larger.
                one = timed([args.dust, "@bench0000", "true"], env, "dust cold 1").wall
                hf = os.path.join(work, "hosts-many")
                with open(hf, "w") as f:
                    f.writelines(a + "\n" for a in addrs)
                for fo in (64, 128, 256):
                    set_fanout(fo)
                    busy = []
                    settle()
                    try:
                        d_wall, d_cpu, _, _ = measured([args.dust, "@bench*", "true"], env, f"dust cold {many}",
                                                       busy=busy)
                    except SystemExit as e:  # the testbed itself drops a few of hundreds of logins at once
                        print(f"  cold {many} hosts, fan-out {fo:3}: {str(e)[-300:]}", flush=True)
                        continue
                    pd = timed(["pdsh", "-R", "ssh", "-l", fleetmod.USER, "-f", str(fo), "-w", "^" + hf, "true"],
                               fleet.env(PDSH_SSH_ARGS=f"-F {fleet.ssh_config} -x %h"), "pdsh")
                    waves = -(-many // fo) * one
                    machine = busy[0] / (os.cpu_count() or 1)
                    line = (f"  cold {many} hosts, fan-out {fo:3}: dust {d_wall:6.2f} s {rt(d_wall)} "
                            f"(dust cpu {d_cpu:5.2f} s, machine busy {busy[0]:5.1f} cpu-s = {machine:5.2f} s of "
                            f"{os.cpu_count()} CPUs); pdsh {pd.wall:6.2f} s; dust/pdsh {d_wall / pd.wall:.2f}; "
                            f"round-trip floor {-(-many // fo)} waves × {one:.2f} s = {waves:.2f} s; "
                            f"limited by {'CPU (sshd + dust)' if machine >= waves else 'round trips'}")
                    print(line, flush=True)
                    summary.append(f"RTT {rtt:.0f}: {line.strip()}")
                set_fanout(64)
            if "xfer" in only:
                res = {}
                res["put dust"] = timed([args.dust, "put", "bench000?", src, "xfer"], env, "dust put").wall
                for a in xhosts:
                    if os.path.getsize(os.path.join(fleet.home_of(a), "xfer", "payload.bin")) != size:
                        raise SystemExit(f"dust put: {a} did not get the whole file")
                res["put clush"] = timed(["clush", "-f", "64", "-o", f"-F {fleet.ssh_config}", "-w", hostlist,
                                          "--copy", src, "--dest", "xfer"], env, "clush --copy").wall
                res["put wire"] = parallel([f"{ssh} {a} 'cat > xfer/wire.bin' < {src}" for a in xhosts], env,
                                           "ssh cat >")
                gd = os.path.join(work, f"get-{rtt:.0f}")
                for d in ("dust", "clush", "wire"):
                    os.makedirs(os.path.join(gd, d))
                res["get dust"] = timed([args.dust, "get", "bench000?", "xfer/payload.bin",
                                         os.path.join(gd, "dust")], env, "dust get").wall
                res["get clush"] = timed(["clush", "-f", "64", "-o", f"-F {fleet.ssh_config}", "-w", hostlist,
                                          "--rcopy", "xfer/payload.bin", "--dest", os.path.join(gd, "clush")],
                                         env, "clush --rcopy").wall
                res["get wire"] = parallel([f"{ssh} {a} cat xfer/payload.bin > {gd}/wire/{a}" for a in xhosts],
                                           env, "ssh cat")
                got = sum(1 for _, _, fs in os.walk(os.path.join(gd, "dust")) for x in fs if x == "payload.bin")
                if got != nx:
                    raise SystemExit(f"dust get produced {got} copies, expected {nx}")
                shutil.rmtree(gd, ignore_errors=True)
                for way in ("put", "get"):
                    for k in ("dust", "clush", "wire"):
                        v = res[f"{way} {k}"]
                        print(f"  {way} {k:6} {v:7.2f} s {total / v / MB:7.1f} MB/s {rt(v)}")
                    dust, wire, peer = res[f"{way} dust"], res[f"{way} wire"], res[f"{way} clush"]
                    goal = 0.9 if r_s else 1.0
                    ok = wire / dust >= goal and peer / dust >= 1.2
                    line = (f"  {way}: dust/wire {wire / dust:.2f}× (goal ≥ {goal}), dust/clush {peer / dust:.2f}× "
                            f"(goal ≥ 1.2): {met(ok)}")
                    print(line, flush=True)
                    summary.append(f"RTT {rtt:.0f}: {line.strip()}")
            if "tree" in only:
                for a in xhosts:
                    shutil.rmtree(os.path.join(fleet.home_of(a), "xfer", "tree"), ignore_errors=True)
                pr = timed([args.dust, "put", "-r", "bench000?", tree, "xfer"], env, "dust put -r").wall
                for a in xhosts:
                    n = sum(len(fs) for _, _, fs in os.walk(os.path.join(fleet.home_of(a), "xfer", "tree")))
                    if n != files:
                        raise SystemExit(f"dust put -r: {a} has {n} files, expected {files}")
                for a in xhosts:
                    shutil.rmtree(os.path.join(fleet.home_of(a), "xfer", "tree"), ignore_errors=True)
                tp = parallel([f"tar -C {work} -cf - tree | {ssh} {a} 'tar -C xfer -xf -'" for a in xhosts], env,
                              "tar | ssh")
                gd = os.path.join(work, f"gettree-{rtt:.0f}")
                os.makedirs(os.path.join(gd, "dust"))
                gr = timed([args.dust, "get", "-r", "bench000?", "xfer/tree", os.path.join(gd, "dust")], env,
                           "dust get -r").wall
                cmds = []
                for a in xhosts:
                    os.makedirs(os.path.join(gd, "tar", a))
                    cmds.append(f"{ssh} {a} 'tar -C xfer -cf - tree' | tar -C {gd}/tar/{a} -xf -")
                tg = parallel(cmds, env, "ssh tar | tar")
                shutil.rmtree(gd, ignore_errors=True)
                for way, d, t in (("put -r", pr, tp), ("get -r", gr, tg)):
                    line = (f"  {way} {files} files × {nx}: dust {d:6.2f} s {rt(d)}; tar|ssh {t:6.2f} s {rt(t)}; "
                            f"dust/tar {d / t:.2f}×" + (f" (goal ≤ 1.5 at RTT 50: {met(d <= 1.5 * t)})"
                                                         if rtt == 50 else ""))
                    print(line, flush=True)
                    summary.append(f"RTT {rtt:.0f}: {line.strip()}")
        print("\nsummary:")
        for s in summary:
            print("  " + s)
    finally:
        if proxy:
            proxy.stop()
        if ec2_proxy:
            ec2_proxy.stop()
        if fleet:
            for a in fleet.addresses:
                shutil.rmtree(os.path.join(fleet.home_of(a), "xfer"), ignore_errors=True)
            fleet.stop()
        if moto:
            moto.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
