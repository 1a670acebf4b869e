"""Benchmark: `dust show` over a large inventory in moto, split into API time and dust's own time.

    python3 bench/show_bench.py [--instances 2000] [--runs 5] [--dust build/dust]

dust's own part (request signing, XML parsing, rendering) is its CPU time (user+sys); the API part is the
rest of the wall time (moto answering). boto3's describe_instances over the same inventory, in this same
run, is the reference client. Goal: dust's own part ≤ 0.2 s for 2,000 instances.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import testbed  # noqa: E402
from common import met, timed  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dust", default=testbed.dust_bin())
    args = ap.parse_args()
    testbed.isolate()
    t0 = time.monotonic()
    with testbed.Sandbox(hosts=0, bulk=args.instances) as sb:
        print(f"seeded {args.instances} bulk instances (+{len(sb.instances)}) in {time.monotonic() - t0:.1f} s")
        env = sb.env()
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu, out = timed([args.dust, "show"], env, "dust show", sync=False)
            rows = sum(1 for l in out.splitlines() if " i-" in l)
            walls.append(wall)
            cpus.append(cpu)
        ec2 = sb.moto.client("ec2")
        refs = []
        for _ in range(args.runs):
            t = time.monotonic()
            n = sum(len(r["Instances"]) for page in ec2.get_paginator("describe_instances").paginate(
                PaginationConfig={"PageSize": 1000}) for r in page["Reservations"])
            refs.append(time.monotonic() - t)
        wall, cpu, ref = statistics.median(walls), statistics.median(cpus), statistics.median(refs)
        print(f"dust show: {rows} rows; wall {wall:.3f} s = API {wall - cpu:.3f} s + dust's own {cpu:.3f} s "
              f"(goal ≤ 0.200 s: {met(cpu <= 0.2)})")
        print(f"boto3 describe_instances ({n} instances): {ref:.3f} s; dust show / boto3 = {wall / ref:.2f}x")


if __name__ == "__main__":
    main()
