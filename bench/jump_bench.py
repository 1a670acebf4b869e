"""Benchmark: cold `@* true` on N loopback hosts behind ONE loopback jump host — dust (one ssh session to
the jump host, a direct-tcpip channel per node) against pdsh and clush with `ssh -J` (each of their ssh
processes makes its own connection and handshake to the jump host), fan-out 64 for every tool.

    python3 bench/jump_bench.py [--hosts 100,500] [--runs 3] [--dust build/dust]
    python3 bench/jump_bench.py --rtt 50 --hosts 100    # the jump host 50 ms away: warm only

The hosts are 127.0.0.x on one sshd (bench/hosts.py) inside an isolated network namespace; the jump host is
one more address (127.0.3.250) of the same sshd, so it costs the same as a node. dust finds the nodes through
moto (its cold figure includes the EC2 describe call) and reaches them through `ssh.proxy_jump` in
config.yaml; the peers read a hosts file and get `-J`.

Measures, per host count (medians over --runs, tools interleaved):
  wall   of one cold process running `true` everywhere;
  cpu    client CPU (user+sys) of the process tree, per host; other: the rest of the machine's busy CPU
         meanwhile (sshd — which here is also the jump host — and the remote shells), per host;
  jump   the peak number of TCP connections established to the jump host during the run (sampled);
  rss    dust's peak RSS;
  warm   `@* true` over sessions already open (one dust script, wall-clock stamps around each), through
         the jump host and direct to the same hosts (no proxy_jump), median of 5.
Goals (printed met/MISSED): dust wall ≤ 0.25 × the best peer's; 1 TCP connection at the jump host; dust
RSS ≤ 40 MB at 500 nodes; warm through the jump ≤ 2 × warm direct (issue 22 item 4).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import testbed  # noqa: E402
from testbed.moto import Moto  # noqa: E402
import hosts as fleetmod  # noqa: E402
from common import FANOUT, STAMP, STAMP_TAIL, dust_config, load_average, measured, met, stamp_cost, stamps  # noqa: E402

JUMP = "127.0.3.250"


class JumpConnections:
    """Samples `ss` for TCP connections established to the jump host; .peak after stop()."""

    def __init__(self, port):
        self.port, self.peak, self._stop = port, 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.is_set():
            out = subprocess.run(["ss", "-Htn", "state", "established", "dst", f"{JUMP}:{self.port}"],
                                 capture_output=True, text=True).stdout
            self.peak = max(self.peak, sum(1 for l in out.splitlines() if l.strip()))
            time.sleep(0.02)

    def stop(self):
        self._stop.set()
        self._t.join()
        return self.peak


def warm(dust, env, runs=5):
    """Median wall time of `@* true` over open sessions, from the stamps around each in one script, less a
    stamp's own cost measured at the script's end."""
    script = STAMP + "\n" + "".join(f"@* true\n{STAMP}\n" for _ in range(runs + 1))
    script += "".join(f"{STAMP}\n" for _ in range(STAMP_TAIL - 1))
    p = subprocess.run([dust], env=env, input=script.encode(), capture_output=True)
    st = stamps(p.stdout.decode(errors="replace"))
    if p.returncode != 0 or len(st) != runs + 1 + STAMP_TAIL:
        raise SystemExit(f"dust warm script failed: {p.stderr.decode(errors='replace')[-1500:]}")
    cost = stamp_cost(st[runs + 1:])
    return statistics.median(b - a - cost for a, b in zip(st[1:runs + 2], st[2:runs + 2]))  # the first logs in


def bench(n, args, work):
    moto = fleet = None
    try:
        os.makedirs(os.path.join(work, f"moto{n}"), exist_ok=True)
        moto = Moto(os.path.join(work, f"moto{n}"), auth=False)
        addrs = fleetmod.seed_moto(moto.client("ec2"), n)
        fleet = fleetmod.LoopbackFleet(addrs)
        with open(fleet.known_hosts) as f:
            key = f.readline().split(None, 1)[1]
        with open(fleet.known_hosts, "a") as f:
            f.write(f"[{JUMP}]:{fleet.port} {key}")
        proxy = None
        if args.rtt:
            # Only the jump host is far: dust → delay proxy → jump host → nodes (next to it).
            from latency_bench import Proxy
            proxy = Proxy(fleet.port)
            proxy.start(args.rtt)
            with open(fleet.known_hosts, "a") as f:
                f.write(f"[{JUMP}]:{proxy.port} {key}")
        jump = f"{fleetmod.USER}@{JUMP}:{proxy.port if proxy else fleet.port}"
        dust_home = os.path.join(fleet.home, ".dustcluster")
        dust_config(dust_home, f"  proxy_jump: '{jump}'\n")
        env = fleet.env(**moto.env(), DUST_HOME=dust_home)
        pdsh_env = fleet.env(PDSH_SSH_ARGS=f"-F {fleet.ssh_config} -J {jump} -x -l%u %h")
        clush = ["clush", "-f", str(FANOUT), "-o", f"-F {fleet.ssh_config} -J {jump}", "--hostfile",
                 fleet.hostfile, "-b", "true"]
        tools = {
            "dust": ([args.dust, "@*", "true"], env),
            "pdsh -J": (fleet.pdsh_argv("true", FANOUT), pdsh_env),
            "clush -J": (clush, fleet.env()),
        }
        measured(tools["dust"][0], env, "dust warm-up")
        direct_home = os.path.join(fleet.home, ".dust-direct")
        dust_config(direct_home)
        warm_jump = warm(args.dust, env)
        warm_direct = warm(args.dust, fleet.env(**moto.env(), DUST_HOME=direct_home))
        if proxy:
            proxy.stop()
            return None, (warm_jump, warm_direct)
        rows = {k: [] for k in tools}
        for _ in range(args.runs):
            for k, (argv, e) in tools.items():
                busy = []
                conns = JumpConnections(fleet.port)
                wall, cpu, rss, _ = measured(argv, e, k, busy=busy)
                rows[k].append((wall, cpu, max(0.0, busy[0] - cpu), conns.stop(), rss))
        med = {k: tuple(statistics.median(r[i] for r in v) if i < 3 else max(r[i] for r in v)
                        for i in range(5)) for k, v in rows.items()}
        return med, (warm_jump, warm_direct)
    finally:
        if fleet:
            fleet.stop()
        if moto:
            moto.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", default="100,500", help="comma-separated host counts")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rtt", type=float, default=0,
                    help="put the jump host this many ms away (delay proxy) and measure warm only")
    ap.add_argument("--dust", default=testbed.dust_bin())
    args = ap.parse_args()
    args.dust = os.path.abspath(args.dust)
    counts = [int(x) for x in args.hosts.split(",") if x.strip()]
    testbed.isolate()
    work = tempfile.mkdtemp(prefix="dust-jump-bench-")
    print(f"{os.cpu_count()} CPUs; load average {load_average()}; fan-out {FANOUT}; "
          f"median of {args.runs}; every node through the jump host {JUMP}")
    try:
        for n in counts:
            t = time.monotonic()
            med, (warm_jump, warm_direct) = bench(n, args, work)
            if args.rtt:
                r = args.rtt / 1000
                print(f"\n== {n} hosts behind one jump host {args.rtt:.0f} ms away (the nodes next to it)")
                print(f"  warm @* true through the jump host: {warm_jump * 1000:.1f} ms = {warm_jump / r:.2f} RTT "
                      f"(goal ≤ 2.1 RTT: {met(warm_jump <= 2.1 * r)}); direct, no delay: {warm_direct * 1000:.1f} ms")
                continue
            best = min(v[0] for k, v in med.items() if k != "dust")
            print(f"\n== {n} hosts behind one jump host ({time.monotonic() - t:.0f} s incl. setup; "
                  f"load {os.getloadavg()[0]:.2f})")
            print(f"  {'cold @* true':12} {'wall s':>8} {'vs best':>8} {'cpu ms/host':>12} {'other cpu':>10} "
                  f"{'jump conns':>11} {'peak RSS MB':>12}")
            for k, (wall, cpu, other, conns, rss) in med.items():
                print(f"  {k:12} {wall:8.3f} {wall / best:8.2f} {cpu / n * 1000:12.2f} {other / n * 1000:10.2f} "
                      f"{conns:11d} {rss / 1024:12.1f}")
            d = med["dust"]
            print(f"  goal wall ≤ 0.25 × best peer: {d[0] / best:.2f} ({met(d[0] <= 0.25 * best)})")
            print(f"  goal 1 TCP connection at the jump host: {d[3]} ({met(d[3] == 1)})")
            print(f"  warm @* true: {warm_jump * 1000:.1f} ms through the jump host, {warm_direct * 1000:.1f} ms "
                  f"direct; goal ≤ 2 × direct: {warm_jump / warm_direct:.2f} ({met(warm_jump <= 2 * warm_direct)})")
            if n >= 500:
                print(f"  goal dust RSS ≤ 40 MB at {n}: {d[4] / 1024:.1f} MB "
                      f"({met(d[4] / 1024 <= 40)})")
        print(f"load average at end {load_average()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
