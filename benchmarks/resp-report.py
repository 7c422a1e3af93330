#!/usr/bin/env python3
"""Renders the output of benchmarks/resp-bench.sh: a Markdown table on standard output and an SVG
bar chart of server CPU per request (median, with the range over the rounds as a whisker).

Usage: benchmarks/resp-report.py RESULTS.tsv [SYSCALLS.tsv] [--svg OUT.svg] [--title TEXT]

Python 3 standard library only.
"""
import argparse
import csv
import statistics
from collections import defaultdict
from xml.sax.saxutils import escape

NAMES = {
    "redis": "redis-server (C, epoll)",
    "go": "Go, goroutine per connection",
    "netty-nio": "Netty 4.2 NIO",
    "netty-epoll": "Netty 4.2 native epoll (JNI)",
    "netty-uring": "Netty 4.2 native io_uring (JNI)",
    "vthreads": "JDK virtual threads, blocking sockets",
    "co-nio": "co, affine, nio transport",
    "co-epoll": "co, affine, epoll transport",
    "co-uring": "co, affine, io_uring transport",
    "ffm-epoll": "bare FFM epoll loop (probe, not co)",
    "co-virtual": "co, virtual provider (no flags)",
}
ORDER = list(NAMES)
COLORS = {"redis": "#8c8c8c", "go": "#5fa8d3", "netty-nio": "#e3a857", "netty-epoll": "#d98c2b",
          "netty-uring": "#b86e12", "vthreads": "#9b7fc7", "co-nio": "#3c9a5f", "co-epoll": "#23784a",
          "co-uring": "#115c35", "ffm-epoll": "#c7c7c7"}
MODES = {"1": "unpipelined", "16": "pipelined (-P 16)"}


def name(impl):
    """A display name; a variant 'co-epoll@spin_us=0' is its base's name with the properties."""
    base, _, props = impl.partition("@")
    label = NAMES.get(base, base)
    return f"{label}, {props.replace('@', ', ')}" if props else label


def color(impl):
    return COLORS.get(impl.partition("@")[0], "#777777")


def implementations(summary):
    """Known servers in chart order, then variants and others in name order."""
    seen = {i for (i, _) in summary}
    known = [i for i in ORDER if i in seen]
    return known + sorted(seen - set(known))


def load(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def summarize(rows):
    """(impl, mode) -> dict of medians, ranges, and per-round CPU ratio to co-nio."""
    by = defaultdict(list)
    for r in rows:
        by[(r["impl"], r["mode"])].append(r)
    co = {(r["round"], r["mode"]): float(r["cpu_us"]) for r in rows if r["impl"] == "co-nio"}
    out = {}
    for key, rs in by.items():
        cpu = [float(r["cpu_us"]) for r in rs]
        rps = [float(r["rps"]) for r in rs]
        ratios = [float(r["cpu_us"]) / co[(r["round"], r["mode"])] for r in rs
                  if (r["round"], r["mode"]) in co and co[(r["round"], r["mode"])] > 0]
        out[key] = {
            "n": len(rs),
            "cpu": statistics.median(cpu), "cpu_min": min(cpu), "cpu_max": max(cpu),
            "user": statistics.median(float(r["user_us"]) for r in rs),
            "sys": statistics.median(float(r["sys_us"]) for r in rs),
            "rps": statistics.median(rps), "rps_min": min(rps), "rps_max": max(rps),
            "ratio": statistics.median(ratios) if ratios else None,
        }
    return out


def table(summary, syscalls):
    impls = implementations(summary)
    lines = []
    for mode, label in MODES.items():
        lines.append(f"\n{label}:\n")
        lines.append("| server | rounds | requests/s, median [range] | server CPU µs/request, median [range] "
                     "| user + sys µs (medians) | CPU vs co-nio, per-round ratio (median) | system calls/request |")
        lines.append("|---|---:|---:|---:|---:|---:|---|")
        for i in sorted(impls, key=lambda i: summary.get((i, mode), {"cpu": 1e9})["cpu"]):
            s = summary.get((i, mode))
            if not s:
                continue
            sc = syscalls.get((i, mode))
            sct = "—" if not sc else (f"{float(sc['total']):.2f} (read {float(sc['read']):.2f}, write "
                                      f"{float(sc['write']):.2f}, wait {float(sc['epoll_wait']):.3f})")
            ratio = "—" if s["ratio"] is None else f"{s['ratio']:.2f}x"
            lines.append(f"| {name(i)} | {s['n']} | {s['rps']:,.0f} [{s['rps_min']:,.0f}–{s['rps_max']:,.0f}] "
                         f"| **{s['cpu']:.2f}** [{s['cpu_min']:.2f}–{s['cpu_max']:.2f}] "
                         f"| {s['user']:.2f} + {s['sys']:.2f} | {ratio} | {sct} |")
    return "\n".join(lines) + "\n"


def svg(summary, title):
    impls = implementations(summary)
    label_w, panel_w, gap, bar_h, pad = 250, 330, 40, 18, 6
    top = 62
    height = top + len(impls) * (bar_h + pad) + 40
    width = label_w + 2 * panel_w + gap + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="20" font-size="15" font-weight="bold">{escape(title)}</text>',
           f'<text x="10" y="38" fill="#555">server CPU µs per request (user + system, /proc/PID/stat); '
           f'bar = median, whisker = range over the rounds; lower is better; (requests/s, median)</text>']
    for k, (mode, label) in enumerate(MODES.items()):
        x0 = label_w + k * (panel_w + gap)
        values = [summary[(i, mode)]["cpu_max"] for i in impls if (i, mode) in summary]
        if not values:
            continue
        scale = (panel_w - 110) / max(values)
        out.append(f'<text x="{x0}" y="{top - 8}" font-weight="bold">{label}</text>')
        out.append(f'<line x1="{x0}" y1="{top - 2}" x2="{x0}" y2="{height - 35}" stroke="#333"/>')
        for j, i in enumerate(impls):
            y = top + j * (bar_h + pad)
            if k == 0:
                out.append(f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end">{escape(name(i))}</text>')
            s = summary.get((i, mode))
            if not s:
                out.append(f'<text x="{x0 + 4}" y="{y + bar_h - 5}" fill="#999">not run</text>')
                continue
            w = s["cpu"] * scale
            out.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color(i)}"/>')
            lo, hi = x0 + s["cpu_min"] * scale, x0 + s["cpu_max"] * scale
            mid = y + bar_h / 2
            out.append(f'<path d="M{lo:.1f},{mid} H{hi:.1f} M{lo:.1f},{mid - 4} V{mid + 4} M{hi:.1f},{mid - 4} V{mid + 4}" '
                       f'stroke="#222" stroke-width="1"/>')
            out.append(f'<text x="{hi + 4:.1f}" y="{y + bar_h - 5}">{s["cpu"]:.2f} '
                       f'<tspan fill="#777">({s["rps"] / 1000:.0f}k/s)</tspan></text>')
    out.append(f'<text x="10" y="{height - 12}" fill="#555">Rendered by benchmarks/resp-report.py from the output '
               f'of benchmarks/resp-bench.sh; see docs/benchmarks.md for the command and the table.</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("syscalls", nargs="?")
    p.add_argument("--svg")
    p.add_argument("--title", default="RESP PING_INLINE, 50 connections, server on one core")
    a = p.parse_args()
    summary = summarize(load(a.results))
    syscalls = {(r["impl"], r["mode"]): r for r in load(a.syscalls)} if a.syscalls else {}
    print(table(summary, syscalls))
    if a.svg:
        with open(a.svg, "w") as f:
            f.write(svg(summary, a.title))


if __name__ == "__main__":
    main()
