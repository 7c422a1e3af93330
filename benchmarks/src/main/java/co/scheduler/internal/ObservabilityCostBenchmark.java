package co.scheduler.internal;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the observability of issue 14 adds to each coroutine's life on the affine scheduler, measured
 * on its own, on one thread: the real {@link Coroutines#enter} and {@link Coroutines#exit} (intrusive
 * list link and unlink, started / finished counters) and the JFR gate's volatile read
 * ({@code linkedLifetime}), against what a scheduler without the coroutine list would still do, the
 * two counters that spawn back-pressure reads ({@code countedLifetime}). The difference bounds the
 * per-coroutine cost in {@code SpawnBenchmark}, whose fork-to-fork noise (±15%) hides a few
 * nanoseconds.
 *
 * <p>{@code live} coroutines stay linked, and each operation links a new one and unlinks the oldest:
 * with 1 the list is one entry (a coroutine that ends before the next begins, as in
 * {@code spawnAndJoin}); with 65,536 the unlinked entry's neighbours are far out of cache (a server
 * with many connections).
 *
 * <p>It lives in {@code co.scheduler.internal} to call the package-private list itself rather than a
 * copy; the benchmark JAR runs on the class path, where that package is not sealed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ObservabilityCostBenchmark {

    @Param({"1", "1024", "65536"})
    public int live;

    private Coroutines list;
    private Coroutine[] ring;
    private int next;
    // The counters a list-less scheduler would keep (countedLifetime).
    private long started;
    private long finished;
    private Thread lastThread;

    @Setup
    public void setUp() {
        list = new Coroutines(false, "coroutine@bench");
        // Twice the live count, so that an entry is unlinked well before it is linked again.
        ring = new Coroutine[Math.max(2, 2 * live)];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = Coroutine.of(null, () -> { }, list, null);
        }
        for (int i = 0; i < live; i++) {
            list.enter(ring[i]);
        }
        next = live;
    }

    /** One coroutine's life with the live list: link, JFR gate read, unlink of the oldest. */
    @Benchmark
    public boolean linkedLifetime() {
        Coroutine[] r = ring;
        int n = next;
        list.enter(r[n]);
        boolean jfr = JfrGate.recording;
        int oldest = n - live;
        list.exit(r[oldest < 0 ? oldest + r.length : oldest]);
        next = n + 1 == r.length ? 0 : n + 1;
        return jfr;
    }

    /** The same life without the list: only the thread and the two counters. */
    @Benchmark
    public long countedLifetime() {
        Coroutine[] r = ring;
        int n = next;
        r[n].thread = Thread.currentThread();
        started++;
        int oldest = n - live;
        lastThread = r[oldest < 0 ? oldest + r.length : oldest].thread;
        finished++;
        next = n + 1 == r.length ? 0 : n + 1;
        return started - finished;
    }
}
