"""Benchmark: gathered output `@@` at scale (issue 11 §8) on N loopback hosts (default 500; bench/hosts.py).

    python3 bench/gather_bench.py [--hosts 500] [--runs 3] [--dust build/dust]

Measures:
  lines     stdout lines of `@@* cat <20-line file>` when every node prints the same (goal ≤ 25), when 5
            nodes print another version of it (one line changed, the same on the 5: goal ≤ 60), and when
            each of the 5 changed it differently (5 groups; reported, same goal).
  wall      warm wall time of `@@* cat F` against live `@* cat F` over the same open sessions (script mode,
            wall-clock stamps from local `!` commands around each command, interleaved, median of --runs):
            goal gathered ≤ 1.2 × live.
  rss       peak RSS (VmHWM) of one-shot `dust @@* cat F` minus one-shot `dust @* cat F` (goal ≤ 10 MB).
  flood     live `@* seq 1 2000` on every node (N × 2,000 lines) in one-shot mode, stdout to a file: every
            node's lines must be exactly 1..2000 in order (none lost, none split); dust's own CPU per line =
            (CPU of that run − CPU of one-shot `@* true`, the connection cost) / lines. The same flood gathered
            (`@@*`): wall, CPU per line, peak RSS, and that it prints as one group of 2,000 lines.
The machine is shared: the load average is printed.
"""
import argparse
import os
import re
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
from common import FANOUT, STAMP, dust_config, load_average, measured, met  # noqa: E402

FLOOD_LINES = 2000


def write_files(d, addrs):
    """base.txt (20 lines); same5.sh: 5 nodes print line 10 changed alike; diff5.sh: each of 5 differently."""
    base = [f"line {i}: setting_{i} = value {i * 7}" for i in range(1, 21)]
    with open(os.path.join(d, "base.txt"), "w") as f:
        f.write("\n".join(base) + "\n")
    odd = addrs[1:len(addrs):max(1, len(addrs) // 5)][:5]
    for i, a in enumerate(odd):
        for kind, text in (("same", "line 10: setting_10 = OTHER VERSION"), ("diff", f"line 10: variant {i}")):
            v = list(base)
            v[9] = text
            with open(os.path.join(d, f"{kind}.{a}"), "w") as f:
                f.write("\n".join(v) + "\n")
    for kind in ("same", "diff"):
        with open(os.path.join(d, f"{kind}5.sh"), "w") as f:
            f.write(f'ip=$(echo "$SSH_CONNECTION" | cut -d" " -f3)\n'
                    f'if [ -f "{d}/{kind}.$ip" ]; then cat "{d}/{kind}.$ip"; else cat "{d}/base.txt"; fi\n')
    for name in os.listdir(d):
        os.chmod(os.path.join(d, name), 0o644)
    os.chmod(d, 0o755)
    return len(odd)


def stamp_script(commands, runs):
    """Script: connect everything, then each command between stamps, interleaved, `runs` times."""
    lines = ["@* true"]
    for _ in range(runs):
        for c in commands:
            lines += [STAMP, c]
    lines.append(STAMP)
    return "\n".join(lines) + "\n"


def sections(out):
    """stdout split at the STAMP lines: [(t_start, t_end, lines between)]."""
    res, cur, t = [], [], None
    for l in out.splitlines():
        if l.startswith("STAMP "):
            now = float(l.split()[1])
            if t is not None:
                res.append((t, now, cur))
            t, cur = now, []
        elif t is not None:
            cur.append(l)
    return res


def check_flood(path, names):
    """Each node's lines are exactly 1..FLOOD_LINES in order."""
    want = {n: 1 for n in names}
    bad = 0
    pat = re.compile(r"^\[(\S+)\] (.*)$")
    with open(path, errors="replace") as f:
        for l in f:
            m = pat.match(l.rstrip("\n"))
            if not m or m.group(1) not in want or m.group(2) != str(want[m.group(1)]):
                bad += 1
                continue
            want[m.group(1)] += 1
    missing = sum(FLOOD_LINES + 1 - v for v in want.values())
    return bad, missing


def bench(n, args, work):
    moto = fleet = None
    try:
        os.makedirs(os.path.join(work, "moto"), exist_ok=True)
        moto = Moto(os.path.join(work, "moto"), auth=False)
        addrs = fleetmod.seed_moto(moto.client("ec2"), n)
        names = [f"bench{k:04d}" for k in range(n)]
        fleet = fleetmod.LoopbackFleet(addrs)
        files = os.path.join(fleet.dir, "files")
        os.makedirs(files)
        odd = write_files(files, addrs)
        dust_home = os.path.join(fleet.home, ".dustcluster")
        dust_config(dust_home)
        env = fleet.env(**moto.env(), DUST_HOME=dust_home)
        cat = f"cat {files}/base.txt"
        measured([args.dust, "@*", "true"], env, "warm-up")

        # Lines printed and warm wall times, one process, sessions kept.
        cmds = [f"@* {cat}", f"@@* {cat}", f"@@* sh {files}/same5.sh", f"@@* sh {files}/diff5.sh"]
        _, _, _, out = measured([args.dust], env, "script", stdin_text=stamp_script(cmds, args.runs),
                                timeout=1800)
        secs = sections(out)
        if len(secs) != len(cmds) * args.runs:
            raise SystemExit(f"expected {len(cmds) * args.runs} sections, got {len(secs)}:\n{out[-3000:]}")
        per = {c: [] for c in cmds}
        for i, (t0, t1, lines) in enumerate(secs):
            per[cmds[i % len(cmds)]].append((t1 - t0, lines))
        live_lines = per[cmds[0]][0][1]
        if len(live_lines) != 20 * n:
            raise SystemExit(f"live @* printed {len(live_lines)} lines, expected {20 * n}")
        res = {
            "same": len(per[cmds[1]][0][1]), "same_head": per[cmds[1]][0][1][0],
            "five_alike": len(per[cmds[2]][0][1]), "five_distinct": len(per[cmds[3]][0][1]),
            "five_distinct_text": per[cmds[3]][0][1],
            "live_wall": statistics.median(w for w, _ in per[cmds[0]]),
            "gather_wall": statistics.median(w for w, _ in per[cmds[1]]),
            "odd": odd,
        }
        # Extra RSS of gathering, one-shot each.
        _, _, rss_live, _ = measured([args.dust, "@*", cat], env, "one-shot @*")
        _, _, rss_gather, _ = measured([args.dust, "@@*", cat], env, "one-shot @@*")
        res["rss_live"], res["rss_gather"] = rss_live, rss_gather

        # Live flood: N × 2000 lines, checked line by line.
        _, cpu_true, _, _ = measured([args.dust, "@*", "true"], env, "one-shot @* true")
        out_path = os.path.join(work, "flood.out")
        t0 = time.monotonic()
        import subprocess
        with open(out_path, "w") as fo:
            p = subprocess.Popen([args.dust, "@*", f"seq 1 {FLOOD_LINES}"], env=env, stdout=fo,
                                 stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            err = p.stderr.read().decode(errors="replace")
        res["flood_wall"] = time.monotonic() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"flood run failed: {err[-2000:]}")
        res["flood_cpu"] = ru.ru_utime + ru.ru_stime
        res["cpu_true"] = cpu_true
        res["flood_bad"], res["flood_missing"] = check_flood(out_path, names)
        # The same flood gathered: one group of 2000 lines; its cost and peak RSS.
        wall, cpu, rss, out = measured([args.dust, "@@*", f"seq 1 {FLOOD_LINES}"], env, "gathered flood",
                                       timeout=1800)
        got = out.splitlines()
        res["gflood"] = (wall, cpu, rss, got[1:] == [str(i) for i in range(1, FLOOD_LINES + 1)] and len(got) == FLOOD_LINES + 1)
        return res
    finally:
        if fleet:
            fleet.stop()
        if moto:
            moto.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dust", default=testbed.dust_bin())
    args = ap.parse_args()
    args.dust = os.path.abspath(args.dust)
    testbed.isolate()
    work = tempfile.mkdtemp(prefix="dust-gather-bench-")
    n = args.hosts
    print(f"{os.cpu_count()} CPUs; load average {load_average()}; {n} hosts; "
          f"fan-out {FANOUT}; median of {args.runs}")
    try:
        t = time.monotonic()
        r = bench(n, args, work)
        print(f"== {n} hosts ({time.monotonic() - t:.0f} s incl. setup; load {os.getloadavg()[0]:.2f})")
        print(f"  @@* cat <20 lines>, identical:       {r['same']:4d} lines ({met(r['same'] <= 25)}: ≤ 25)  "
              f"first: {r['same_head']}")
        print(f"  {r['odd']} nodes with another version:      {r['five_alike']:4d} lines "
              f"({met(r['five_alike'] <= 60)}: ≤ 60)")
        print(f"  {r['odd']} nodes each different:             {r['five_distinct']:4d} lines "
              f"({met(r['five_distinct'] <= 60)}: ≤ 60)")
        ratio = r["gather_wall"] / r["live_wall"]
        print(f"  warm wall: live @* {r['live_wall'] * 1000:.0f} ms, gathered @@* {r['gather_wall'] * 1000:.0f} ms"
              f" = {ratio:.2f} × live ({met(ratio <= 1.2)}: ≤ 1.2)")
        extra = (r["rss_gather"] - r["rss_live"]) / 1024
        print(f"  peak RSS one-shot: live {r['rss_live'] / 1024:.1f} MB, gathered {r['rss_gather'] / 1024:.1f} MB,"
              f" extra {extra:.1f} MB ({met(extra <= 10)}: ≤ 10 MB)")
        lines = n * FLOOD_LINES
        per_line = max(0.0, r["flood_cpu"] - r["cpu_true"]) / lines
        ok = r["flood_bad"] == 0 and r["flood_missing"] == 0
        print(f"  live flood {n} × {FLOOD_LINES} = {lines} lines: wall {r['flood_wall']:.2f} s, dust cpu "
              f"{r['flood_cpu']:.2f} s (connect-only run {r['cpu_true']:.2f} s) → {per_line * 1e6:.2f} µs/line; "
              f"lines bad/split {r['flood_bad']}, missing {r['flood_missing']} ({met(ok)}: none)")
        gw, gc, grss, gok = r["gflood"]
        print(f"  gathered flood @@* seq 1 {FLOOD_LINES}: wall {gw:.2f} s, dust cpu {gc:.2f} s → "
              f"{max(0.0, gc - r['cpu_true']) / lines * 1e6:.2f} µs/line, peak RSS {grss / 1024:.1f} MB, "
              f"one group of {FLOOD_LINES} lines: {'yes' if gok else 'NO'}")
        print(f"load average at end {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
