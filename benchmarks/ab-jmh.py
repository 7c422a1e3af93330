#!/usr/bin/env python3
"""Summarise ab-jmh.sh output: per benchmark, the per-round ratio B/A of the JMH scores, the median
ratio and its spread (min-max), and the median score of each side; with 10 or more rounds also a
95% bootstrap confidence interval of the median ratio (10,000 resamples, fixed seed, so the same
output gives the same interval). For throughput a ratio below 1 means B is slower; for average
time a ratio above 1 means B is slower ("B cost" says it either way).

usage: ab-jmh.py OUTDIR [BENCH/PEER ...]
Each BENCH/PEER (JMH method names, e.g. coAffine/virtualThreadFloor) adds a line for the score of
BENCH divided by that of PEER in the same fork: a peer that the change under test does not touch
cancels the machine's speed of the moment, which moves both scores of one fork alike."""
import glob, json, os, random, statistics, sys

out = sys.argv[1]
norms = [a.split("/") for a in sys.argv[2:]]
scores = {}  # (bench, params) -> side -> round -> (score, unit, mode)
for f in glob.glob(os.path.join(out, "*.json")):
    side, rnd = os.path.basename(f)[:-5].split("-")
    try:
        runs = json.load(open(f))
    except ValueError:
        continue  # a fork still running, or one that failed
    for r in runs:
        key = r["benchmark"].split(".")[-1] + "".join(f" {k}={v}" for k, v in sorted(r.get("params", {}).items()))
        m = r["primaryMetric"]
        scores.setdefault(key, {}).setdefault(side, {})[int(rnd)] = (m["score"], m["scoreUnit"], r["mode"])
for bench, peer in norms:
    for key in [k for k in scores if k.split(" ")[0] == bench]:
        pkey = peer + key[len(bench):]
        if pkey not in scores:
            pkey = next((k for k in scores if k.split(" ")[0] == peer), None)
        if pkey is None:
            continue
        normed = {}
        for side in ("A", "B"):
            for rnd, (v, unit, mode) in scores[key].get(side, {}).items():
                if rnd in scores[pkey].get(side, {}):
                    normed.setdefault(side, {})[rnd] = (v / scores[pkey][side][rnd][0], unit + " per peer unit", mode)
        scores[f"{key} / {pkey}"] = normed
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
    fmt = (lambda x: f"{x:,.1f}") if a >= 100 else (lambda x: f"{x:.4f}")
    print(f"{key}: A median {fmt(a)} / B median {fmt(b)} {unit} ({mode}); "
          f"B/A per round {' '.join(f'{x:.3f}' for x in ratios)}; median {med:.3f} "
          f"[{min(ratios):.3f}-{max(ratios):.3f}]; B cost {cost * 100:+.1f}%")
    if len(ratios) >= 10:
        rng = random.Random(1)
        meds = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(10_000))
        lo, hi = meds[249], meds[9_749]
        # The worst B cost the interval allows: for throughput the low end, for time the high end.
        worst = (1 / lo - 1) if mode == "thrpt" else (hi - 1)
        print(f"    {len(ratios)} rounds: median B/A 95% CI [{lo:.3f}-{hi:.3f}]; B cost at most {worst * 100:+.1f}%")
