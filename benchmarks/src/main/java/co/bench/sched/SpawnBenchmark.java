package co.bench.sched;

import co.api.spi.CoRuntime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Spawn and join one million coroutines per invocation: spawned from one coroutine per scheduler as
 * a server's acceptors would ({@code spawnAndJoin}, baseline {@code jdkVirtualThreads}), and from one
 * plain platform thread ({@code spawnFromPlainThread}, baseline
 * {@code jdkStartVirtualThreadFromPlainThread}): co affine and co virtual (JDK virtual threads on the
 * default scheduler with co's bookkeeping). The JDK baselines do not read {@code provider}; JMH runs
 * them once per value. Score: coroutines per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class SpawnBenchmark {

    static final int COUNT = 1_000_000;

    @Param({"affine", "virtual"})
    public String provider;

    private CoRuntime rt;

    @Setup(Level.Trial)
    public void setUp() {
        rt = Runtimes.create(provider, Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rt.stop();
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void spawnAndJoin() throws Exception {
        int n = rt.schedulers().size();
        AtomicInteger left = new AtomicInteger(COUNT);
        CountDownLatch done = new CountDownLatch(1);
        for (co.api.Scheduler s : rt.schedulers()) {
            s.go(() -> {
                for (int i = 0; i < COUNT / n + (s.id() < COUNT % n ? 1 : 0); i++) {
                    s.go(() -> {
                        if (left.decrementAndGet() == 0) {
                            done.countDown();
                        }
                    });
                }
            });
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not joined: " + left.get());
        }
    }

    /**
     * One million {@code go} from a plain platform thread (here JMH's own thread), as a server whose
     * accept loop runs on a plain thread, or a test, starts coroutines: every start is a hand-off
     * to another thread. Round-robin over the schedulers, as {@code Co.go} does.
     */
    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void spawnFromPlainThread() throws Exception {
        AtomicInteger left = new AtomicInteger(COUNT);
        CountDownLatch done = new CountDownLatch(1);
        Runnable body = () -> {
            if (left.decrementAndGet() == 0) {
                done.countDown();
            }
        };
        for (int i = 0; i < COUNT; i++) {
            rt.go(body);
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not joined: " + left.get());
        }
    }

    /** The baseline of {@link #spawnFromPlainThread}: {@code Thread.startVirtualThread} from a plain thread. */
    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void jdkStartVirtualThreadFromPlainThread() throws Exception {
        AtomicInteger left = new AtomicInteger(COUNT);
        CountDownLatch done = new CountDownLatch(1);
        Runnable body = () -> {
            if (left.decrementAndGet() == 0) {
                done.countDown();
            }
        };
        for (int i = 0; i < COUNT; i++) {
            Thread.startVirtualThread(body);
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not joined: " + left.get());
        }
    }

    /** The same work on plain JDK virtual threads, no co at all: the baseline. */
    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void jdkVirtualThreads() throws Exception {
        int n = Runtime.getRuntime().availableProcessors();
        AtomicInteger left = new AtomicInteger(COUNT);
        CountDownLatch done = new CountDownLatch(1);
        for (int k = 0; k < n; k++) {
            int part = COUNT / n + (k < COUNT % n ? 1 : 0);
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < part; i++) {
                    Thread.ofVirtual().start(() -> {
                        if (left.decrementAndGet() == 0) {
                            done.countDown();
                        }
                    });
                }
            });
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not joined: " + left.get());
        }
    }
}
