#!/usr/bin/env python3
"""Splits the perf samples of benchmarks/resp-bench.sh -p by the system call on their stack.

Usage: benchmarks/resp-profile.py OUTDIR IMPL...   (needs perf, from linux-perf)

Prints, per server, µs per request (cpu-clock samples at 999 Hz x 1 ms / 999, divided by the
requests of the profiled run, from OUTDIR/perf.tsv) spent under sched_yield, epoll_wait, read
(or recvfrom), write (or sendto), in other kernel code, and in user code.
"""
import subprocess
import sys


def main():
    out_dir, impls = sys.argv[1], sys.argv[2:]
    requests = {}
    with open(f"{out_dir}/perf.tsv") as f:
        for line in f:
            fields = line.split("\t")
            if fields[0] != "impl":
                requests[fields[0]] = int(fields[1])
    for impl in impls:
        script = subprocess.run(["perf", "script", "-i", f"{out_dir}/{impl}.perf.data", "-F", "ip,sym"],
                                capture_output=True, text=True).stdout
        samples = [s for s in script.split("\n\n") if s.strip()]
        per_sample = 1e6 / 999 / requests[impl]
        buckets = {"sched_yield": 0, "epoll_wait": 0, "read/recvfrom": 0, "write/sendto": 0,
                   "other kernel": 0, "user": 0}
        for s in samples:
            if "sched_yield" in s:
                buckets["sched_yield"] += 1
            elif "sys_epoll_wait" in s:
                buckets["epoll_wait"] += 1
            elif "sys_read" in s or "sys_recvfrom" in s:
                buckets["read/recvfrom"] += 1
            elif "sys_write" in s or "sys_sendto" in s:
                buckets["write/sendto"] += 1
            elif "entry_SYSCALL" in s or "do_syscall" in s or "asm_" in s:
                buckets["other kernel"] += 1
            else:
                buckets["user"] += 1
        print(impl, f"total {len(samples) * per_sample:.2f}",
              " ".join(f"{k} {v * per_sample:.2f}" for k, v in buckets.items()))


if __name__ == "__main__":
    main()
