#!/usr/bin/env python3
"""For one or more ab-jmh.sh output directories: per side (A, B), the ratio co / JDK within each
fork of SpawnBenchmark.spawnFromPlainThread to jdkStartVirtualThreadFromPlainThread (both run in the
same JVM invocation, so the ratio cancels most of the machine's run-to-run noise), pooled over the
directories: the ratios, their median with a bootstrap 95% confidence interval (fixed seed), how
many forks reach issue 16's 1.5x, and the two scores of each fork.
usage: ab-infork.py OUTDIR [OUTDIR ...]"""
import glob, json, os, random, statistics, sys
res = {}
for out in sys.argv[1:]:
    for f in sorted(glob.glob(os.path.join(out, "*.json"))):
        side, rnd = os.path.basename(f)[:-5].split("-")
        try:
            runs = json.load(open(f))
        except ValueError:
            continue  # a fork still running or one that failed
        sc = {r["benchmark"].split(".")[-1]: r["primaryMetric"]["score"] for r in runs}
        if "spawnFromPlainThread" in sc and "jdkStartVirtualThreadFromPlainThread" in sc:
            co, jdk = sc["spawnFromPlainThread"], sc["jdkStartVirtualThreadFromPlainThread"]
            res.setdefault(side, []).append((out, int(rnd), co / jdk, co, jdk))
random.seed(1)
for side, rows in sorted(res.items()):
    rows.sort()
    rs = [r[2] for r in rows]
    meds = sorted(statistics.median(random.choices(rs, k=len(rs))) for _ in range(10000))
    print(side, "co/JDK per fork:", " ".join(f"{r:.2f}" for r in rs),
          f"median {statistics.median(rs):.2f} [95% CI {meds[250]:.2f}-{meds[9750]:.2f}], at or above 1.5x in {sum(r >= 1.5 for r in rs)} of {len(rs)}",
          "| co M/s", " ".join(f"{r[3]/1e6:.2f}" for r in rows), "| JDK M/s", " ".join(f"{r[4]/1e6:.2f}" for r in rows))
