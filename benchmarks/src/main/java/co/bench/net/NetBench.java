package co.bench.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The network benchmark harness: for each server kind and each case, starts the echo server in its
 * own JVM pinned to core 0 ({@code taskset -c 0}), drives it from this JVM (run it pinned to core 1:
 * {@code taskset -c 1 java ...}) with {@link LoadGenerator}, and reports requests/s and the server
 * process's CPU time (user + system, from /proc) per request over the measured window.
 *
 * <pre>
 * taskset -c 1 java -cp benchmarks/target/benchmarks.jar co.bench.net.NetBench [seconds [kinds [cases]]]
 * </pre>
 *
 * Kinds: {@code co-affine}, {@code co-virtual}, {@code vthreads}, {@code netty}, and
 * {@code co-epoll}, {@code co-uring} (co-affine over the native transports of co.net.linux, looked
 * up by name; where one is not available the harness says why on standard error and leaves it
 * out of the table).
 *
 * Prints a Markdown table on standard output.
 */
public final class NetBench {

    private static final List<String> KINDS = List.of("co-affine", "co-virtual", "vthreads", "netty", "co-epoll", "co-uring");

    private record Case(String name, int connections, int depth, boolean bulk) {
    }

    private static final List<Case> CASES = List.of(
            new Case("64 B echo, 1 conn", 1, 1, false),
            new Case("64 B echo, 100 conns", 100, 1, false),
            new Case("64 B echo, 1 conn, 16-deep pipeline", 1, 16, false),
            new Case("64 B echo, 100 conns, 16-deep pipeline", 100, 16, false),
            new Case("bulk 64 KiB writes, 1 conn", 1, 1, true));

    private NetBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args measured seconds per run (default 5), comma-separated kinds (default all),
     *     comma-separated case indices (default all: 0..4)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> kinds = args.length > 1 ? List.of(args[1].split(",")) : KINDS;
        List<Case> cases = CASES;
        if (args.length > 2) {
            cases = new ArrayList<>();
            for (String i : args[2].split(",")) {
                cases.add(CASES.get(Integer.parseInt(i)));
            }
        }
        Map<String, Map<String, double[]>> results = new LinkedHashMap<>();
        List<String> unavailable = new ArrayList<>();
        for (Case c : cases) {
            Map<String, double[]> row = new LinkedHashMap<>();
            for (String kind : kinds) {
                if (unavailable.contains(kind)) {
                    continue;
                }
                double[] result = runOne(kind, c, seconds);
                if (result == null) {
                    unavailable.add(kind);
                    continue;
                }
                row.put(kind, result);
                System.err.printf(Locale.ROOT, "%-40s %-10s %12.0f/s %8.2f us cpu%n", c.name(), kind,
                        row.get(kind)[0], row.get(kind)[1]);
            }
            results.put(c.name(), row);
        }
        List<String> ran = new ArrayList<>(kinds);
        ran.removeAll(unavailable);
        print(results, ran);
    }

    /** Returns {requests or MB per second, server CPU µs per request or MB}, or null if the kind is not available. */
    private static double[] runOne(String kind, Case c, int seconds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Path.of(NetBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", "0", java,
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xms512m", "-Xmx512m", "-XX:+UseParallelGC"));
        switch (kind) {
            case "co-affine" -> cmd.addAll(List.of("-Dco.scheduler=affine", "-Dco.sched_num=1"));
            case "co-virtual" -> cmd.addAll(List.of("-Dco.scheduler=virtual", "-Dco.sched_num=1"));
            // -Dco.transport also gives the scheduling thread the backend of that name (co.io)
            case "co-epoll", "co-uring" -> cmd.addAll(List.of("-Dco.scheduler=affine", "-Dco.sched_num=1",
                    "-Dco.transport=" + kind.substring(3), "--enable-native-access=ALL-UNNAMED"));
            case "vthreads" -> cmd.addAll(List.of("-Djdk.virtualThreadScheduler.parallelism=1"));
            default -> cmd.add("-Dio.netty.eventLoopThreads=1");
        }
        // Extra server JVM options for experiments, e.g. -Dco.bench.serverArgs=-Dco.spin_us=0
        String extra = System.getProperty("co.bench.serverArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", jar, EchoServerMain.class.getName(), kind));
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            if (ready != null && ready.startsWith("unavailable ")) {
                System.err.println(kind + ": not available, left out: " + ready.substring(12));
                return null;
            }
            if (ready == null || !ready.startsWith("ready ")) {
                throw new IOException(kind + " did not start: " + ready);
            }
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", Integer.parseInt(ready.substring(6)));
            long pid = server.pid();
            // Warm up (JIT both sides), then measure server CPU over the measured window only.
            LoadGenerator.run(at, c.connections(), c.depth(), 64, c.bulk(), 0, 2_000_000_000L);
            long cpu0 = cpuTicks(pid);
            LoadGenerator.Result r = LoadGenerator.run(at, c.connections(), c.depth(), 64, c.bulk(), 0, seconds * 1_000_000_000L);
            long cpu1 = cpuTicks(pid);
            double perSecond = (c.bulk() ? r.bytes() / 1e6 : r.requests()) * 1e9 / r.nanos();
            double cpuMicros = (cpu1 - cpu0) * (1e6 / 100.0);       // USER_HZ = 100
            double perUnit = cpuMicros / (c.bulk() ? r.bytes() / 1e6 : r.requests());
            return new double[] {perSecond, perUnit};
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    /** utime + stime of a process in clock ticks, from /proc/PID/stat. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static void print(Map<String, Map<String, double[]>> results, List<String> kinds) {
        StringBuilder sb = new StringBuilder();
        sb.append("| case | server | requests/s (bulk: MB/s) | server CPU µs per request (bulk: per MB) |\n");
        sb.append("|---|---|---:|---:|\n");
        results.forEach((name, row) -> row.forEach((kind, v) -> sb.append(String.format(Locale.ROOT,
                "| %s | %s | %.0f | %.2f |%n", name, kind, v[0], v[1]))));
        if (kinds.contains("co-affine")) {
            sb.append("\nRatios, co-affine vs the others (throughput: higher is better; CPU per request: lower is better)\n\n");
            sb.append("| case | vs | throughput ratio | CPU/request ratio |\n|---|---|---:|---:|\n");
            results.forEach((name, row) -> {
                double[] co = row.get("co-affine");
                for (String other : kinds) {
                    if (!other.equals("co-affine")) {
                        double[] o = row.get(other);
                        sb.append(String.format(Locale.ROOT, "| %s | %s | %.2fx | %.2fx |%n", name, other, co[0] / o[0], co[1] / o[1]));
                    }
                }
            });
        }
        System.out.print(sb);
    }
}
