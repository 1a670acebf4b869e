"""Benchmark: `@* true` on N loopback hosts — dust against pdsh, clush (ClusterShell) and parallel-ssh (pssh)
in the same run, fan-out 64 for every tool.

    python3 bench/ssh_bench.py [--hosts 100,500] [--runs 3] [--dust build/dust]

All hosts are 127.0.0.x on one sshd (bench/hosts.py) inside an isolated network namespace; dust finds them
through moto instances whose private IPs are those addresses (so dust's cold figure includes its EC2
describe call to moto — the peers read a hosts file).

Measures, per host count:
  cold  wall time of one process running `true` everywhere over new connections
        (`dust '@*' true` one-shot; `pdsh -w ^hosts true`; `clush --hostfile`; `parallel-ssh -h`).
  warm  dust only (the others have no sessions to keep): script mode `dust < script` with
            !stamp; @* true; !stamp; @* true; !stamp
        the second `@* true` runs over the sessions the first one opened; its time is the difference of
        the wall-clock stamps printed by the local `!` commands around it (dust runs them synchronously,
        in order). The first interval is reported too (cold inside an already-started dust).
  cpu   client CPU (user+sys) of the whole client process tree (os.wait4 rusage: the tool plus the ssh
        processes it forks and waits for), per host. dust's warm CPU/host ≈ (script run − one-shot run) / N.
  other the rest of the machine's busy CPU over the run (/proc/stat), per host: sshd and the remote shells
        (and moto for dust). Client and servers share this machine's CPUs, so (cpu + other) / CPUs is a
        floor for the wall time: it says where the time goes when a ratio goal is missed.
  rss   peak RSS (VmHWM, sampled) of the dust process in the script run, i.e. with N sessions open.
Goals (printed met/MISSED): cold ≤ 0.35 × pdsh wall; warm ≤ pdsh wall / 100; dust RSS ≤ 60 MB at 500
sessions (checked at the largest host count given; only a real check when that is ≥ 500).
dust's connect_timeout is set to 60 s (the peers' ssh has no connect timeout at all): on a loaded machine
the default 10 s made handshakes queued behind the fan-out fail. Medians over --runs. The machine is shared: the 1-minute load average is printed before and after.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import testbed  # noqa: E402
from testbed.moto import Moto  # noqa: E402
import hosts as fleetmod  # noqa: E402
from common import FANOUT, STAMP, dust_config, load_average, measured, met, stamps  # noqa: E402


def dust_script_run(dust, env):
    script = "\n".join([STAMP, "@* true", STAMP, "@* true", STAMP]) + "\n"
    wall, cpu, rss, out = measured([dust], env, "dust script", stdin_text=script)
    st = stamps(out)
    if len(st) != 3:
        raise SystemExit(f"dust script: expected 3 stamps, got output:\n{out[-2000:]}")
    return {"first": st[1] - st[0], "warm": st[2] - st[1], "cpu": cpu, "rss": rss, "wall": wall}


def bench(n, args, work):
    moto = fleet = None
    try:
        os.makedirs(os.path.join(work, f"moto{n}"), exist_ok=True)
        moto = Moto(os.path.join(work, f"moto{n}"), auth=False)
        addrs = fleetmod.seed_moto(moto.client("ec2"), n)
        fleet = fleetmod.LoopbackFleet(addrs)
        dust_home = os.path.join(fleet.home, ".dustcluster")
        dust_config(dust_home)
        env = fleet.env(**moto.env(), DUST_HOME=dust_home)
        tools = {
            "dust": ([args.dust, "@*", "true"], env),
            "pdsh": (fleet.pdsh_argv("true", FANOUT), fleet.pdsh_env()),
            "clush": (fleet.clush_argv("true", FANOUT), fleet.env()),
            "parallel-ssh": (fleet.pssh_argv("true", FANOUT), fleet.env()),
        }
        # Warm-up (page cache of binaries, sshd, moto's first answer); not counted.
        measured(tools["dust"][0], env, "dust warm-up")
        measured(tools["pdsh"][0], tools["pdsh"][1], "pdsh warm-up")
        cold = {k: [] for k in tools}
        script = []
        for _ in range(args.runs):
            for k, (argv, e) in tools.items():  # interleaved, so load changes hit every tool alike
                busy = []
                wall, cpu, rss, _ = measured(argv, e, k, busy=busy)
                cold[k].append((wall, cpu, max(0.0, busy[0] - cpu)))
            script.append(dust_script_run(args.dust, env))
        med = {k: tuple(statistics.median(r[i] for r in v) for i in range(3)) for k, v in cold.items()}
        s = {k: statistics.median(r[k] for r in script) for k in ("first", "warm", "cpu", "wall")}
        s["rss"] = max(r["rss"] for r in script)
        return med, s
    finally:
        if fleet:
            fleet.stop()
        if moto:
            moto.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", default="100,500", help="comma-separated host counts")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dust", default=testbed.dust_bin())
    args = ap.parse_args()
    args.dust = os.path.abspath(args.dust)
    counts = [int(x) for x in args.hosts.split(",") if x.strip()]
    testbed.isolate()
    work = tempfile.mkdtemp(prefix="dust-ssh-bench-")
    print(f"{os.cpu_count()} CPUs; load average {load_average()}; fan-out {FANOUT}; median of {args.runs}")
    results = {}
    try:
        for n in counts:
            t = time.monotonic()
            med, s = bench(n, args, work)
            results[n] = (med, s)
            pdsh = med["pdsh"][0]
            print(f"\n== {n} hosts ({time.monotonic() - t:.0f} s incl. setup; load {os.getloadavg()[0]:.2f})")
            print(f"  {'cold @* true':22} {'wall s':>8} {'vs pdsh':>8} {'cpu ms/host':>12} {'other cpu':>10} "
                  f"{'cpu floor s':>12}")
            ncpu = os.cpu_count() or 1
            for k, (wall, cpu, other) in med.items():
                print(f"  {k:22} {wall:8.3f} {wall / pdsh:8.2f} {cpu / n * 1000:12.2f} {other / n * 1000:10.2f} "
                      f"{(cpu + other) / ncpu:12.2f}")
            print(f"  (other cpu: ms/host the rest of the machine spent meanwhile — sshd, the remote shells, "
                  f"moto; cpu floor: all of it over {ncpu} CPUs, the wall time no client can beat here)")
            warm_cpu = max(0.0, s["cpu"] - med["dust"][1]) / n
            print(f"  dust script: first @* true {s['first']:.3f} s (cold, process already up); "
                  f"warm @* true {s['warm'] * 1000:.1f} ms = pdsh/{pdsh / s['warm']:.0f}; "
                  f"warm cpu ≈ {warm_cpu * 1000:.2f} ms/host; peak RSS {s['rss'] / 1024:.1f} MB with {n} sessions")
            ok_cold = med["dust"][0] <= 0.35 * pdsh
            ok_warm = s["warm"] <= pdsh / 100
            print(f"  goal cold ≤ 0.35 × pdsh: dust/pdsh = {med['dust'][0] / pdsh:.2f} "
                  f"({met(ok_cold)})")
            print(f"  goal warm ≤ pdsh/100: warm/pdsh = {s['warm'] / pdsh:.4f} ({met(ok_warm)})")
        big = max(results)
        rss_mb = results[big][1]["rss"] / 1024
        note = "" if big >= 500 else f" (only {big} sessions measured: not the 500-session check)"
        print(f"\ngoal RSS ≤ 60 MB with 500 sessions: {rss_mb:.1f} MB at {big} sessions "
              f"({'met' if rss_mb <= 60 and big >= 500 else ('MISSED' if rss_mb > 60 else 'not checked')}){note}")
        print(f"load average at end {load_average()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
