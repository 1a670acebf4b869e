"""Benchmark: one-shot `dust @* true` through a running dust server (warm sessions) against pdsh in the
same run, on N loopback hosts; client and server memory.

    python3 bench/server_bench.py [--hosts 100,500] [--runs 5] [--dust build/dust]

Setup per host count as bench/ssh_bench.py (one sshd on 127.0.0.x in an isolated network namespace, moto
instances naming those addresses, fan-out 64). `dust start-server` starts the server with no client; one
`dust '@*' true` opens its N sessions (not counted). Then, interleaved --runs times:
  warm  wall time of a new one-shot `dust '@*' true` process: it connects to the server, which runs the
        line over its open sessions (same state as an interactive user's), and exits with its status.
  pdsh  `pdsh -w ^hosts true` (new connections every time: it has no sessions to keep).
  cold  `dust '@*' true` with no server running (DUST_HOME without one, config server.enabled: false),
        for reference.
Also: the one-shot client's peak RSS (VmHWM) and the server's RSS (VmRSS, VmHWM) with N sessions open.
  soak  two clients at once (issue 19): an interactive client floods (`@bench0000 seq 100000000`, its
        output read as fast as it comes) while another runs one-shots `dust @bench0001 true`; the second's
        wall time per one-shot, against the same one-shot with nobody flooding.
Goals (printed met/MISSED): warm ≤ pdsh / 50; server RSS ≤ 40 MB with 500 sessions (checked at the largest
host count given; only a real check when that is ≥ 500); soak: the second client's median one-shot
≤ 50 ms. Medians over --runs.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import testbed  # noqa: E402
from testbed.procs import status_kb  # noqa: E402
from testbed.sandbox import dust_server_pid as server_pid  # noqa: E402
from testbed.moto import Moto  # noqa: E402
import hosts as fleetmod  # noqa: E402
from common import FANOUT, dust_config, measured, met  # noqa: E402


def write_config(dust_home, server):
    dust_config(dust_home, f"server:\n  enabled: {'true' if server else 'false'}\n")


def soak(args, env, runs):
    """Median wall times (s) of one-shots on bench0001: alone, then while an interactive client floods."""
    import pexpect
    import threading
    probe = [args.dust, "@bench0001", "true"]
    quiet = statistics.median(measured(probe, env, "soak probe alone")[0] for _ in range(runs))
    flooder = pexpect.spawn(args.dust, [], env=dict(env, TERM="dumb"), encoding=None, timeout=30)
    flooder.expect(rb"dust:\S+\$ ")
    flooder.sendline(b"@bench0000 seq 100000000")
    stop = threading.Event()
    seen = [0]

    def drain():
        while not stop.is_set():
            try:
                seen[0] += len(flooder.read_nonblocking(1 << 16, timeout=0.2))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                return
    t = threading.Thread(target=drain, daemon=True)
    t.start()
    try:
        time.sleep(1)  # the flood is under way
        busy = statistics.median(measured(probe, env, "soak probe while another client floods")[0]
                                 for _ in range(runs))
        if seen[0] < 1 << 20:
            raise SystemExit(f"the flooding client received only {seen[0]} bytes: no flood to measure against")
    finally:
        stop.set()
        t.join()
        flooder.sendintr()
        flooder.close(force=True)
    return quiet, busy


def bench(n, args, work):
    moto = fleet = None
    served_env = None
    try:
        os.makedirs(os.path.join(work, f"moto{n}"), exist_ok=True)
        moto = Moto(os.path.join(work, f"moto{n}"), auth=False)
        addrs = fleetmod.seed_moto(moto.client("ec2"), n)
        fleet = fleetmod.LoopbackFleet(addrs)
        served_home = os.path.join(fleet.home, ".dust-served")
        cold_home = os.path.join(fleet.home, ".dust-cold")
        write_config(served_home, True)
        write_config(cold_home, False)
        base = {k: v for k, v in fleet.env(**moto.env()).items() if k != "XDG_RUNTIME_DIR"}
        served_env = dict(base, DUST_HOME=served_home)
        cold_env = dict(base, DUST_HOME=cold_home)
        one_shot = [args.dust, "@*", "true"]
        subprocess.run([args.dust, "start-server"], env=served_env, check=True, timeout=60,
                       stdin=subprocess.DEVNULL, capture_output=True)
        pid = server_pid(served_home)
        if not pid:
            raise SystemExit("dust start-server: no server pid in its lock file")
        rss_before = status_kb(pid, "VmRSS")
        t0 = time.monotonic()
        measured(one_shot, served_env, "dust first one-shot (opens the sessions)")
        opening = time.monotonic() - t0
        measured(fleet.pdsh_argv("true", FANOUT), fleet.pdsh_env(), "pdsh warm-up")
        warm, pdsh, cold, client_rss = [], [], [], []
        for _ in range(args.runs):
            wall, _, rss, _ = measured(one_shot, served_env, "dust one-shot through the server")
            warm.append(wall)
            client_rss.append(rss)
            pdsh.append(measured(fleet.pdsh_argv("true", FANOUT), fleet.pdsh_env(), "pdsh")[0])
            cold.append(measured(one_shot, cold_env, "dust one-shot without a server")[0])
        quiet, busy = soak(args, served_env, args.runs * 2)
        if server_pid(served_home) != pid or status_kb(pid, "VmRSS") is None:
            raise SystemExit("the dust server did not survive the runs")
        return {"soak_quiet": quiet, "soak_busy": busy, "warm": statistics.median(warm), "pdsh": statistics.median(pdsh),
                "cold": statistics.median(cold), "opening": opening, "client_rss": max(client_rss),
                "server_rss": status_kb(pid, "VmRSS"), "server_hwm": status_kb(pid, "VmHWM"),
                "server_rss_idle": rss_before}
    finally:
        if served_env:
            subprocess.run([args.dust, "--yes", "kill-server"], env=served_env, timeout=60, capture_output=True)
            pid = server_pid(served_env["DUST_HOME"])
            if pid and status_kb(pid, "VmRSS") is not None:
                os.kill(pid, 9)  # kill-server did not end it: the pid its lock file names
        if fleet:
            fleet.stop()
        if moto:
            moto.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", default="100,500", help="comma-separated host counts")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dust", default=testbed.dust_bin())
    args = ap.parse_args()
    args.dust = os.path.abspath(args.dust)
    counts = [int(x) for x in args.hosts.split(",") if x.strip()]
    testbed.isolate()
    work = tempfile.mkdtemp(prefix="dust-server-bench-")
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; fan-out {FANOUT}; "
          f"median of {args.runs}")
    results = {}
    try:
        for n in counts:
            t = time.monotonic()
            r = bench(n, args, work)
            results[n] = r
            print(f"\n== {n} hosts ({time.monotonic() - t:.0f} s incl. setup; load {os.getloadavg()[0]:.2f})")
            print(f"  {'one-shot @* true':34} {'wall s':>8} {'vs pdsh':>8}")
            for label, key in (("dust through the server (warm)", "warm"), ("pdsh", "pdsh"),
                               ("dust without a server (cold)", "cold")):
                print(f"  {label:34} {r[key]:8.3f} {r[key] / r['pdsh']:8.3f}")
            print(f"  first one-shot, opening {n} sessions in the server: {r['opening']:.2f} s")
            print(f"  client peak RSS {r['client_rss'] / 1024:.1f} MB; server RSS {r['server_rss'] / 1024:.1f} MB "
                  f"(peak {r['server_hwm'] / 1024:.1f} MB, {r['server_rss_idle'] / 1024:.1f} MB before any "
                  f"session) with {n} sessions")
            ok = r["warm"] <= r["pdsh"] / 50
            print(f"  goal warm ≤ pdsh/50: warm = pdsh/{r['pdsh'] / r['warm']:.0f} ({met(ok)})")
            ok = r["soak_busy"] <= 0.050
            print(f"  soak: one-shot @bench0001 true {r['soak_quiet'] * 1000:.1f} ms alone, "
                  f"{r['soak_busy'] * 1000:.1f} ms while another client floods "
                  f"({r['soak_busy'] / r['soak_quiet']:.2f}×); goal ≤ 50 ms: {met(ok)}")
        big = max(results)
        mb = results[big]["server_rss"] / 1024
        note = "" if big >= 500 else f" (only {big} sessions measured: not the 500-session check)"
        verdict = "met" if mb <= 40 and big >= 500 else ("MISSED" if mb > 40 else "not checked")
        print(f"\ngoal server RSS ≤ 40 MB with 500 sessions: {mb:.1f} MB at {big} sessions ({verdict}){note}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
