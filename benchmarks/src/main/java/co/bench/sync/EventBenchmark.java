package co.bench.sync;

import co.sync.Event;
import java.util.concurrent.Semaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * {@link Event} signal/await round trip between two parties (two events, each party signals one and
 * awaits the other), against the same game played with two {@link Semaphore}s. ns per round trip.
 */
public class EventBenchmark extends SyncBenchmarkBase {

    static final int ROUNDS = 20_000;


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
