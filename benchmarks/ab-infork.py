#!/usr/bin/env python3
"""For an ab-jmh.sh output directory: per side (A, B), the ratio co / JDK within each fork of
SpawnBenchmark.spawnFromPlainThread to jdkStartVirtualThreadFromPlainThread (both run in the same
JVM, so the ratio cancels most of the machine's fork-to-fork noise), its median and spread, and the
two scores of each fork. usage: ab-infork.py OUTDIR"""
import glob, json, os, statistics, sys
out = sys.argv[1]
res = {}
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    side, rnd = os.path.basename(f)[:-5].split("-")
    try:
        runs = json.load(open(f))
    except ValueError:
        continue  # a fork still running or one that failed
    sc = {r["benchmark"].split(".")[-1]: r["primaryMetric"]["score"] for r in runs}
    if "spawnFromPlainThread" in sc and "jdkStartVirtualThreadFromPlainThread" in sc:
        res.setdefault(side, []).append((int(rnd), sc["spawnFromPlainThread"] / sc["jdkStartVirtualThreadFromPlainThread"], sc["spawnFromPlainThread"], sc["jdkStartVirtualThreadFromPlainThread"]))
for side, rows in sorted(res.items()):
    rows.sort()
    rs = [r[1] for r in rows]
    print(side, "co/JDK per fork:", " ".join(f"{r:.2f}" for r in rs), f"median {statistics.median(rs):.2f} [{min(rs):.2f}-{max(rs):.2f}]",
          "| co M/s", " ".join(f"{r[2]/1e6:.2f}" for r in rows), "| JDK M/s", " ".join(f"{r[3]/1e6:.2f}" for r in rows))
