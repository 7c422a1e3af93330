package co.bench.sync;

import co.api.spi.CoRuntime;
import co.sync.Event;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Event} signal/await round trip between two parties (two events, each party signals one and
 * awaits the other), against the same game played with two {@link Semaphore}s. ns per round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
public class EventBenchmark {

    static final int ROUNDS = 20_000;

    private CoRuntime affine;

    @Setup(Level.Trial)
    public void setUp() {
        affine = Harness.affine(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        affine.stop();
    }

    static void roundTrips(Harness.Starter starter, int rounds) throws Exception {
        Event ping = new Event();
        Event pong = new Event();
        Harness.run(starter, () -> {
            for (int i = 0; i < rounds; i++) {
                ping.signal();
                pong.await();
            }
        }, () -> {
            for (int i = 0; i < rounds; i++) {
                ping.await();
                pong.signal();
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void eventCoAffineSameScheduler() throws Exception {
        roundTrips(Harness.sameScheduler(affine), ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void eventCoAffine() throws Exception {
        roundTrips(Harness.on(affine), ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void eventJdkVirtual() throws Exception {
        roundTrips(Harness.jdkVirtualThreads(), ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void semaphoreJdkVirtual() throws Exception {
        semaphoreRoundTrips(Harness.jdkVirtualThreads(), ROUNDS);
    }

    static void semaphoreRoundTrips(Harness.Starter starter, int rounds) throws Exception {
        Semaphore ping = new Semaphore(0);
        Semaphore pong = new Semaphore(0);
        Harness.run(starter, () -> {
            for (int i = 0; i < rounds; i++) {
                ping.release();
                pong.acquireUninterruptibly();
            }
        }, () -> {
            for (int i = 0; i < rounds; i++) {
                ping.acquireUninterruptibly();
                pong.release();
            }
        });
    }
}
