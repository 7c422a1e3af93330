#!/usr/bin/env python3
"""Summarise ab-jmh.sh output: per benchmark, the per-round ratio B/A of the JMH scores, the median
ratio and its spread (min-max), and the median score of each side. For throughput a ratio below 1
means B is slower; for average time a ratio above 1 means B is slower ("B cost" says it either way)."""
import glob, json, os, statistics, sys

out = sys.argv[1]
scores = {}  # (bench, params) -> side -> round -> (score, unit, mode)
for f in glob.glob(os.path.join(out, "*.json")):
    side, rnd = os.path.basename(f)[:-5].split("-")
    for r in json.load(open(f)):
        key = r["benchmark"].split(".")[-1] + "".join(f" {k}={v}" for k, v in sorted(r.get("params", {}).items()))
        m = r["primaryMetric"]
        scores.setdefault(key, {}).setdefault(side, {})[int(rnd)] = (m["score"], m["scoreUnit"], r["mode"])
for key, sides in sorted(scores.items()):
    rounds = sorted(set(sides.get("A", {})) & set(sides.get("B", {})))
    if not rounds:
        continue
    unit, mode = sides["A"][rounds[0]][1], sides["A"][rounds[0]][2]
    ratios = [sides["B"][r][0] / sides["A"][r][0] for r in rounds]
    med = statistics.median(ratios)
    cost = (1 / med - 1) if mode == "thrpt" else (med - 1)
    a = statistics.median(sides["A"][r][0] for r in rounds)
    b = statistics.median(sides["B"][r][0] for r in rounds)
    print(f"{key}: A median {a:,.1f} / B median {b:,.1f} {unit} ({mode}); "
          f"B/A per round {' '.join(f'{x:.3f}' for x in ratios)}; median {med:.3f} "
          f"[{min(ratios):.3f}-{max(ratios):.3f}]; B cost {cost * 100:+.1f}%")
