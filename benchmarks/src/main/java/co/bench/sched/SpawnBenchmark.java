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

    /**
     * The floor of {@link #spawnFromPlainThread}: one platform thread creates, starts and runs one
     * million virtual threads whose scheduler is a plain {@link java.util.ArrayDeque} it drains
     * itself every 1,024 starts. No cross-thread queue, no wake-up, no co: what a virtual thread's
     * creation, start and run to completion cost on one core. A spawner on one thread feeding
     * schedulers on the other cores pays the creation and start share of it per spawn, and the whole
     * machine at least all of it.
     */
    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void floorCreateStartRunOnOneThread() {
        java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>(1024);
        Thread.Builder.OfVirtual builder = co.scheduler.internal.CarrierThreads.builder(queue::add);
        AtomicInteger left = new AtomicInteger(COUNT);
        Runnable body = left::decrementAndGet;
        for (int i = 0; i < COUNT; i++) {
            builder.unstarted(body).start();
            if ((i & 1023) == 1023) {
                runAll(queue);
            }
        }
        runAll(queue);
        if (left.get() != 0) {
            throw new IllegalStateException("not run: " + left.get());
        }
    }

    /**
     * The same one-thread set-up as {@link #floorCreateStartRunOnOneThread}, with one virtual thread
     * reused for every body instead of one made per body: it runs the body, parks, and is unparked
     * for the next. What recycling finished coroutine threads would cost per coroutine (a park and
     * an unpark: the stack frozen and thawed) against what making a new one costs.
     */
    @Benchmark
    @OperationsPerInvocation(COUNT)
    public void floorReuseParkedThreadOnOneThread() {
        java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>(16);
        Thread.Builder.OfVirtual builder = co.scheduler.internal.CarrierThreads.builder(queue::add);
        AtomicInteger left = new AtomicInteger(COUNT);
        Runnable[] next = new Runnable[1];
        Runnable body = left::decrementAndGet;
        Thread worker = builder.unstarted(() -> {
            for (;;) {
                Runnable r = next[0];
                if (r == null) {
                    return;
                }
                next[0] = null;
                r.run();
                java.util.concurrent.locks.LockSupport.park();
            }
        });
        next[0] = body;
        worker.start();
        for (int i = 0; i < COUNT; i++) {
            if (i > 0) {
                next[0] = body;
                java.util.concurrent.locks.LockSupport.unpark(worker);
            }
            runAll(queue);
        }
        java.util.concurrent.locks.LockSupport.unpark(worker); // next[0] is null: it returns
        runAll(queue);
        if (left.get() != 0 || worker.isAlive()) {
            throw new IllegalStateException("not run: " + left.get());
        }
    }

    /** Runs what the one-thread floors' scheduler queue holds, including what running it queues. */
    private static void runAll(java.util.ArrayDeque<Runnable> queue) {
        for (Runnable r; (r = queue.poll()) != null;) {
            r.run();
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
