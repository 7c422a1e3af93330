#!/usr/bin/env bash
# RESP benchmark (issue 17): redis-benchmark -t ping_inline, 50 connections, unpipelined and -P 16,
# against redis-server and every peer server. Each server is pinned to core 0 with taskset, the
# load to core 1; the order of the servers rotates from round to round; each round starts every
# server afresh, warms it up, then measures. Server CPU is utime + stime of the server process
# (every thread) from /proc/PID/stat over the measured run, divided by the requests.
# A separate short pass (-s) counts system calls per request with strace -c -f; another (-p)
# profiles each server with perf (linux-perf) over one unpipelined run.
#
# Needs (Debian packages): redis-server, redis-tools (redis-benchmark, redis-cli), golang-go,
# strace (for -s), util-linux (taskset), python3 (the renderer), and a JDK >= 22 as $JAVA or `java`
# (>= 22 for the FFM probe; the co servers run on >= 21). Build the jar first:
#   mvn -q -pl benchmarks -am package -DskipTests
# Run it alone on the machine (here under flock /tmp/co-cpu.lock).
#
# Usage: benchmarks/resp-bench.sh [-r ROUNDS] [-i IMPL,IMPL,...] [-m MODES] [-o OUTDIR] [-s] [-S] [-p]
#   -r  rounds (default 5; 0 runs only the passes below)
#   -m  pipelining depths measured in each round (default 1,16; -m 1 for more unpipelined rounds)
#   -i  implementations (default: all, see IMPLS_ALL below)
#   -o  output directory (default benchmarks/target/resp-<UTC time>)
#   -s  also run the system-call pass  -S  run only the system-call pass
#   -p  also run the perf pass: perf stat (context switches, page faults) and perf record -g
#       (cpu-clock samples) of the server over one unpipelined run: OUTDIR/perf.tsv, IMPL.perf.data,
#       the split by thread (IMPL.perf.threads.txt) and by symbol (JIT-compiled Java methods named
#       through the JVM's perf map, jcmd Compiler.perfmap)
# co-virtual runs co's RespServer on the virtual provider as a user without flags would (no
# --add-opens, no --enable-native-access; JDK scheduler parallelism 1 as for vthreads);
# co-virtual-base is the same from another build's jar, BASE_JAR (before/after comparisons).
# A co server may carry co properties after '@', each KEY=VALUE becoming -Dco.KEY=VALUE, so that
# variants run side by side in one rotation: co-epoll@spin_us=0, co-uring@uring.setup=coop.
# Environment: CLIENTS connections (default 50), N1 / N16 requests per measured run (default 150000 / 1500000), W1 / W16 warm-up
# requests (default 60000 / 600000), WARM warm-up passes of W1 then W16 each (default 3: a JVM
# server's JIT recompiles when the traffic switches between the two shapes, and with fewer passes
# its compiler threads still ran in the measured window, see OUTDIR/threads.tsv), JAVA, JVM_OPTS (default "-Xms512m -Xmx512m -XX:+UseParallelGC").
# Output: OUTDIR/results.tsv (one line per round, server and mode), OUTDIR/syscalls.tsv, server
# logs; then benchmarks/resp-report.py OUTDIR/results.tsv [OUTDIR/syscalls.tsv] renders a
# Markdown table and an SVG chart.
# The whole script is one block, so bash reads it all before it runs: editing the file during a
# run does not change that run.
{
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
IMPLS_ALL="redis,go,netty-nio,netty-epoll,netty-uring,vthreads,co-virtual,co-nio,co-epoll,co-uring,ffm-epoll"
ROUNDS=5
IMPLS="$IMPLS_ALL"
OUT=""
MODES="1,16"
SYSCALLS=0
ONLY_SYSCALLS=0
PERF=0
while getopts "r:i:m:o:sSp" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;;
    i) IMPLS=$OPTARG ;;
    m) MODES=$OPTARG ;;
    o) OUT=$OPTARG ;;
    s) SYSCALLS=1 ;;
    S) SYSCALLS=1; ONLY_SYSCALLS=1 ;;
    p) PERF=1 ;;
    *) sed -n 2,30p "$0"; exit 2 ;;
  esac
done
N1=${N1:-150000}
N16=${N16:-1500000}
W1=${W1:-60000}
W16=${W16:-600000}
WARM=${WARM:-3}
JAVA=${JAVA:-java}
JVM_OPTS=${JVM_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}
OUT=${OUT:-$ROOT/benchmarks/target/resp-$(date -u +%Y%m%dT%H%M%S)}
PORT=${PORT:-6390}
CLIENTS=${CLIENTS:-50}

for tool in redis-server redis-benchmark redis-cli go taskset python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y redis-server redis-tools golang-go util-linux python3" >&2; exit 1; }
done
[ "$PERF" = 0 ] || command -v perf >/dev/null || { echo "missing perf: apt-get install -y linux-perf" >&2; exit 1; }
[ "$SYSCALLS" = 0 ] || command -v strace >/dev/null || { echo "missing strace: apt-get install -y strace" >&2; exit 1; }
[ -f "$JAR" ] || { echo "no $JAR: mvn -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
JAVA_MAJOR=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
[ "${JAVA_MAJOR:-0}" -ge 22 ] || { echo "$JAVA is Java ${JAVA_MAJOR:-?}; set JAVA to a JDK >= 22" >&2; exit 1; }
mkdir -p "$OUT"
GOBIN="$OUT/resp-go"
(cd "$OUT" && GOCACHE="$OUT/gocache" go build -o "$GOBIN" "$HERE/resp/resp_server.go")

SERVER_PID=""
cleanup() { [ -z "$SERVER_PID" ] || { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }; }
trap cleanup EXIT

# Starts implementation $1 on core 0 (log $2); sets SERVER_PID; returns 3 if it is not available.
start_server() {
  local impl=${1%%@*} log=$2 java=("$JAVA" $JVM_OPTS) props=()
  if [[ $1 == *@* ]]; then
    local kv; IFS=@ read -r -a kvs <<<"${1#*@}"
    for kv in "${kvs[@]}"; do props+=("-Dco.$kv"); done
  fi
  local co=("${java[@]}" --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
            -Dco.scheduler=affine -Dco.sched_num=1 "${props[@]}" -cp "$JAR" )
  local cmd
  case $impl in
    redis)       cmd=(redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode no) ;;
    go)          cmd=(env GOMAXPROCS=1 "$GOBIN" "$PORT") ;;
    netty-*)     cmd=("${java[@]}" -Dio.netty.eventLoopThreads=1 -cp "$JAR" co.bench.resp.RespPeers "$impl" "$PORT") ;;
    vthreads)    cmd=("${java[@]}" -Djdk.virtualThreadScheduler.parallelism=1 -cp "$JAR" co.bench.resp.RespPeers vthreads "$PORT") ;;
    co-virtual)  cmd=("${java[@]}" -Djdk.virtualThreadScheduler.parallelism=1 -Dco.scheduler=virtual -Dco.sched_num=1
                       -cp "$JAR" co.examples.RespServer "$PORT") ;;
    co-virtual-base) cmd=("${java[@]}" -Djdk.virtualThreadScheduler.parallelism=1 -Dco.scheduler=virtual -Dco.sched_num=1
                       -cp "${BASE_JAR:?co-virtual-base needs BASE_JAR}" co.examples.RespServer "$PORT") ;;
    co-*)        cmd=("${co[@]}" -Dco.transport="${impl#co-}" co.examples.RespServer "$PORT") ;;
    ffm-epoll)   cmd=("${java[@]}" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$HERE/resp/FfmEpollProbe.java" "$PORT") ;;
    *) echo "unknown implementation $impl" >&2; exit 2 ;;
  esac
  taskset -c 0 "${cmd[@]}" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if [ "$(timeout 2 redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ]; then
      if [[ $impl == co-virtual* ]] && ! grep -q "(virtual scheduler" "$log"; then
        echo "$impl: did not run on the virtual scheduler; skipped" >&2; stop_server; return 3
      fi
      if [[ $impl == co-* && $impl != co-virtual* ]] && ! grep -q "${impl#co-} transport)" "$log"; then
        echo "$impl: transport ${impl#co-} not available, the server fell back; skipped:" >&2
        grep -i -m3 -E "warn|unavailab|fall" "$log" >&2 || true
        stop_server; return 3
      fi
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "$impl did not start:" >&2; tail -5 "$log" >&2; SERVER_PID=""; return 3
    fi
    sleep 0.1
  done
  echo "$impl did not answer PING in 30 s" >&2; stop_server; return 3
}

stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

ticks() { awk '{ sub(/.*\) /, ""); print $12, $13 }' "/proc/$SERVER_PID/stat"; }   # utime stime
# Per-thread utime and stime of the server ("tid<TAB>comm<TAB>utime<TAB>stime" per line) into file $1,
# so a round can say which threads (scheduling thread, JIT compilers, GC) used the measured CPU.
thread_ticks() {
  local f
  for f in /proc/"$SERVER_PID"/task/*/stat; do
    sed -E 's/^([0-9]+) \((.*)\) (.*)$/\1\t\2\t\3/' "$f" 2>/dev/null | awk -F'\t' '{ split($3, a, " "); print $1 "\t" $2 "\t" a[12] "\t" a[13] }'
  done >"$1" || true
}

# warm_up: WARM passes of W1 unpipelined and W16 pipelined requests, results discarded
warm_up() { local w; for ((w = 0; w < WARM; w++)); do bench "$W1" 1 >/dev/null; bench "$W16" 16 >/dev/null; done; }

# bench N PIPELINE: prints requests/s (redis-benchmark --csv); a timeout guards against a dead server
bench() {
  local n=$1 p=$2
  timeout 300 taskset -c 1 redis-benchmark -p "$PORT" -c "$CLIENTS" -n "$n" -P "$p" -t ping_inline --csv 2>/dev/null \
    | awk -F'"' '$2 == "PING_INLINE" { print $4 }'
}

IFS=, read -r -a LIST <<<"$IMPLS"
TICK_US=$((1000000 / $(getconf CLK_TCK)))
declare -A SKIP=()
if [ "$ONLY_SYSCALLS" = 0 ]; then
  RESULTS="$OUT/results.tsv"
  echo -e "round\timpl\tmode\trequests\trps\tcpu_us\tuser_us\tsys_us\tstarted_utc" >"$RESULTS"
  THREADS="$OUT/threads.tsv"
  echo -e "round\timpl\tmode\tthread\tuser_us\tsys_us" >"$THREADS"
  { echo "# $(date -u) $(uname -r) $(nproc) cpus; $("$JAVA" -version 2>&1 | head -1)"; echo "# $0 $*"; echo "# N1=$N1 N16=$N16 W1=$W1 W16=$W16 WARM=$WARM JVM_OPTS=$JVM_OPTS"; uptime; } >"$OUT/info.txt"
  git -C "$ROOT" log -1 --format='# commit %h %s' >>"$OUT/info.txt" 2>/dev/null || true
  for ((r = 0; r < ROUNDS; r++)); do
    for ((k = 0; k < ${#LIST[@]}; k++)); do
      impl=${LIST[$(((k + r) % ${#LIST[@]}))]}
      [ -z "${SKIP[$impl]:-}" ] || continue
      start_server "$impl" "$OUT/$impl.r$r.log" || { SKIP[$impl]=1; continue; }
      warm_up
      for mode in ${MODES//,/ }; do
        n=$N1; [ "$mode" = 1 ] || n=$N16
        thread_ticks "$OUT/.t0"; read -r u0 s0 < <(ticks)
        rps=$(bench "$n" "$mode")
        read -r u1 s1 < <(ticks); thread_ticks "$OUT/.t1"
        if [ -z "$rps" ]; then echo "$impl -P $mode: no result" >&2; continue; fi
        # Per thread, grouped by name with numbers dropped (GC Thread#0 and #1 are one "GC Thread#");
        # "(exited)" is what threads that ended during the run used (the process total minus the rest).
        python3 - "$r" "$impl" "$mode" "$n" "$TICK_US" "$OUT/.t0" "$OUT/.t1" "$u0" "$s0" "$u1" "$s1" >>"$THREADS" <<'PY'
import re, sys
r, impl, mode, n, tick, f0, f1, u0, s0, u1, s1 = sys.argv[1:]
n = int(n); tick = int(tick)
def load(path):
    out = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) == 4 and f[2].isdigit() and f[3].isdigit():
            out[f[0]] = (f[1], int(f[2]), int(f[3]))
    return out
a, b = load(f0), load(f1)
groups = {}
for tid, (comm, u, s) in b.items():
    pu, ps = a.get(tid, (comm, 0, 0))[1:]
    g = re.sub(r"[0-9]+", "", comm).strip() or comm
    gu, gs = groups.get(g, (0, 0))
    groups[g] = (gu + u - pu, gs + s - ps)
du = int(u1) - int(u0) - sum(v[0] for v in groups.values())
ds = int(s1) - int(s0) - sum(v[1] for v in groups.values())
if du > 0 or ds > 0:
    groups["(exited)"] = (max(du, 0), max(ds, 0))
for g, (u, s) in sorted(groups.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
    if u or s:
        print(f"{r}\t{impl}\t{mode}\t{g}\t{u * tick / n:.3f}\t{s * tick / n:.3f}")
PY
        python3 - "$r" "$impl" "$mode" "$n" "$rps" "$u0" "$s0" "$u1" "$s1" "$TICK_US" >>"$RESULTS" <<'PY'
import sys, datetime
r, impl, mode, n, rps, u0, s0, u1, s1, tick = sys.argv[1:]
n = int(n); tick = int(tick)
user = (int(u1) - int(u0)) * tick / n
sys_ = (int(s1) - int(s0)) * tick / n
print(f"{r}\t{impl}\t{mode}\t{n}\t{float(rps):.0f}\t{user + sys_:.3f}\t{user:.3f}\t{sys_:.3f}\t{datetime.datetime.utcnow():%H:%M:%S}")
PY
        tail -1 "$RESULTS" >&2
      done
      stop_server
    done
  done
fi

if [ "$SYSCALLS" = 1 ]; then
  SC="$OUT/syscalls.tsv"
  echo -e "impl\tmode\trequests\ttotal\tread\twrite\tepoll_wait\tother\ttop" >"$SC"
  for impl in "${LIST[@]}"; do
    [ -z "${SKIP[$impl]:-}" ] || continue
    start_server "$impl" "$OUT/$impl.strace.log" || continue
    warm_up
    for mode in 1 16; do
      n=100000; [ "$mode" = 1 ] || n=1000000
      strace -c -f -p "$SERVER_PID" -o "$OUT/$impl.P$mode.strace" 2>/dev/null &
      tracer=$!
      sleep 1
      bench "$n" "$mode" >/dev/null
      kill -INT "$tracer"; wait "$tracer" || true
      python3 - "$impl" "$mode" "$n" "$OUT/$impl.P$mode.strace" >>"$SC" <<'PY'
import sys
impl, mode, n, path = sys.argv[1:]
n = int(n); calls = {}
for line in open(path):
    f = line.split()
    if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
        calls[f[-1]] = calls.get(f[-1], 0) + int(f[3])
named = ("read", "write", "epoll_wait")
total = sum(calls.values())
# readv/recvfrom count as reads, writev/sendto as writes, epoll_pwait(2) and io_uring_enter as waits
read = sum(v for k, v in calls.items() if k in ("read", "readv", "recvfrom", "recvmsg"))
write = sum(v for k, v in calls.items() if k in ("write", "writev", "sendto", "sendmsg"))
wait = sum(v for k, v in calls.items() if k in ("epoll_wait", "epoll_pwait", "epoll_pwait2", "io_uring_enter"))
other = total - read - write - wait
top = ", ".join(f"{k} {v / n:.3f}" for k, v in sorted(calls.items(), key=lambda kv: -kv[1])[:8])
print(f"{impl}\t{mode}\t{n}\t{total / n:.3f}\t{read / n:.3f}\t{write / n:.3f}\t{wait / n:.3f}\t{other / n:.3f}\t{top}")
PY
      tail -1 "$SC" >&2
    done
    stop_server
  done
fi
if [ "$PERF" = 1 ]; then
  PF="$OUT/perf.tsv"
  echo -e "impl\trequests\trps\tuser_us\tsys_us\tcontext_switches\tminor_faults\tkernel_samples_pct" >"$PF"
  for impl in "${LIST[@]}"; do
    [ -z "${SKIP[$impl]:-}" ] || continue
    start_server "$impl" "$OUT/$impl.perf.log" || continue
    warm_up; bench "$W1" 1 >/dev/null
    perf stat -x, -e task-clock,context-switches,cpu-migrations,minor-faults -p "$SERVER_PID" -o "$OUT/$impl.perfstat" &
    stat_pid=$!
    perf record -q -g -e cpu-clock -F 999 -p "$SERVER_PID" -o "$OUT/$impl.perf.data" 2>/dev/null &
    record_pid=$!
    sleep 1
    read -r u0 s0 < <(ticks)
    rps=$(bench "$N1" 1)
    read -r u1 s1 < <(ticks)
    kill -INT "$stat_pid" "$record_pid"; wait "$stat_pid" "$record_pid" || true
    # A JVM's compiled methods get names through a perf map (/tmp/perf-PID.map) written on demand.
    [ ! -x "$(dirname "$JAVA")/jcmd" ] || "$(dirname "$JAVA")/jcmd" "$SERVER_PID" Compiler.perfmap >/dev/null 2>&1 || true
    perf report -i "$OUT/$impl.perf.data" --no-children --sort comm --stdio -g none \
      >"$OUT/$impl.perf.threads.txt" 2>/dev/null || true
    perf report -i "$OUT/$impl.perf.data" --no-children --sort sym --stdio -g none --percent-limit 0.3 \
      >"$OUT/$impl.perf.symbols.txt" 2>/dev/null || true
    perf report -i "$OUT/$impl.perf.data" --no-children --sort dso --stdio -g none >"$OUT/$impl.perf.dso.txt" 2>/dev/null || true
    kpct=$(awk '/\[kernel.kallsyms\]/ { gsub("%", "", $1); print $1 }' "$OUT/$impl.perf.dso.txt" | head -1)
    cs=$(awk -F, '$3 == "context-switches" { print $1 }' "$OUT/$impl.perfstat")
    mf=$(awk -F, '$3 == "minor-faults" { print $1 }' "$OUT/$impl.perfstat")
    awk -v impl="$impl" -v n="$N1" -v rps="$rps" -v u="$((u1 - u0))" -v s="$((s1 - s0))" -v t="$TICK_US" \
        -v cs="${cs:-0}" -v mf="${mf:-0}" -v k="${kpct:-0}" \
        'BEGIN { printf "%s\t%d\t%.0f\t%.3f\t%.3f\t%.4f\t%.4f\t%s\n", impl, n, rps, u * t / n, s * t / n, cs / n, mf / n, k }' >>"$PF"
    tail -1 "$PF" >&2
    stop_server
  done
fi
echo "results in $OUT" >&2
exit
}
