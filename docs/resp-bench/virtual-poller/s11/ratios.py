#!/usr/bin/env python3
"""Per-round ratios of each server against a reference (same round and mode): CPU/request and
requests/s, median and 95% bootstrap CI of the median (10,000 resamples, seed 1)."""
import csv, random, statistics, sys
ref = sys.argv[1]
rows = []
for f in sys.argv[2:]:
    with open(f) as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            r["file"] = f
            rows.append(r)
key = lambda r: (r["file"], r["round"], r["mode"])
refs = {key(r): r for r in rows if r["impl"] == ref}
def boot(xs):
    rnd = random.Random(1)
    meds = sorted(statistics.median(rnd.choices(xs, k=len(xs))) for _ in range(10000))
    return meds[249], meds[9749]
impls = sorted({r["impl"] for r in rows if r["impl"] != ref})
for mode in ("1", "16"):
    for impl in impls:
        rs = [r for r in rows if r["impl"] == impl and r["mode"] == mode and key(r) in refs]
        if not rs:
            continue
        cpu = [float(r["cpu_us"]) / float(refs[key(r)]["cpu_us"]) for r in rs]
        rps = [float(r["rps"]) / float(refs[key(r)]["rps"]) for r in rs]
        lo, hi = boot(cpu)
        rlo, rhi = boot(rps)
        print(f"-P {mode:>2} {impl:18s} n={len(cpu):2d} cpu {statistics.median(cpu):.2f} [{lo:.2f}-{hi:.2f}] lower in {sum(c < 1 for c in cpu)}"
              f"  rps {statistics.median(rps):.2f} [{rlo:.2f}-{rhi:.2f}]  per-round cpu: " + " ".join(f"{c:.2f}" for c in cpu))
