#!/bin/sh
# Alternating A/B runs of JMH benchmarks from two benchmark jars (e.g. before/after a change):
# for each of PAIRS rounds, one short fork of A then one of B (the order swaps every round), each
# writing JSON; then ab-jmh.py prints per-round ratios B/A, their median and spread.
# usage: ab-jmh.sh A.jar B.jar OUTDIR PAIRS 'regex' [jmh options...]
# Run it under the shared CPU lock: flock /tmp/co-cpu.lock benchmarks/ab-jmh.sh ...
set -e
a=$1 b=$2 out=$3 pairs=$4 regex=$5
shift 5
java=${JAVA:-java}
mkdir -p "$out"
i=1
while [ "$i" -le "$pairs" ]; do
    if [ $((i % 2)) -eq 1 ]; then order="A B"; else order="B A"; fi
    for side in $order; do
        if [ "$side" = A ]; then jar=$a; else jar=$b; fi
        "$java" -jar "$jar" "$regex" -f 1 -rf json -rff "$out/$side-$i.json" "$@" > "$out/$side-$i.log" 2>&1
    done
    i=$((i + 1))
done
python3 "$(dirname "$0")/ab-jmh.py" "$out"
