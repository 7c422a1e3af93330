package co.bench.sync;

import co.api.spi.CoRuntime;
import co.bench.SideBySide;
import co.bench.SideBySide.Case;
import co.sync.Mutex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * co.sync against j.u.c. on JDK virtual threads, side by side in one JVM ({@link SideBySide}: every
 * round runs every case once, in an order that rotates from round to round, and each co case is
 * compared with its j.u.c. baseline from the same round). On a shared 2-core machine the cost of moving a cache line
 * between the cores changes by 2x or more over seconds (the hypervisor moves the virtual CPUs), so
 * JMH's case-after-case runs compare figures taken under different conditions; here the two sides
 * of a ratio are measured tens of milliseconds apart.
 *
 * <p>Reports, per case: the median ns per operation, its range, and the median over rounds of the
 * per-round ratio baseline / case (> 1: co.sync is faster), with how many rounds co.sync won. The
 * first row is no primitive: two platform threads bounce one volatile field, which shows what moving
 * a cache line between the two cores costs during the run (every cross-core hand-off pays it a few
 * times).
 *
 * <p>Run: {@code java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar co.bench.sync.SyncBench}
 * ({@code -Drounds=N}, default 15; {@code -Dwarmups=N}, default 5).
 */
public final class SyncBench {

    static final int ROUNDS = Integer.getInteger("rounds", 15);
    static final int WARMUPS = Integer.getInteger("warmups", 5);
    static final int PING_PONGS = 20_000;
    static final int VALUES = 200_000;
    static final int LOCKS_PER_PARTY = 25_000;
    static final int LINE_TRIPS = 100_000;

    private SyncBench() {
    }

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args none
     * @throws Exception if a case fails
     */
    public static void main(String[] args) throws Exception {
        CoRuntime affine = Harness.affine(2);
        ExecutorService carrier = Executors.newSingleThreadExecutor();
        try {
            List<Case> cases = cases(affine, Harness.jdkVirtualThreadsOn(carrier));
            System.out.printf(Locale.ROOT, "after %d warm-up rounds: ", WARMUPS);
            System.out.print(SideBySide.table(cases, SideBySide.run(cases, ROUNDS, WARMUPS)));
        } finally {
            affine.stop();
            carrier.shutdown();
        }
    }

    static List<Case> cases(CoRuntime affine, Harness.Starter oneCarrier) {
        Harness.Starter same = Harness.sameScheduler(affine);
        Harness.Starter across = Harness.on(affine);
        Harness.Starter jdk = Harness.jdkVirtualThreads();
        List<Case> cases = new ArrayList<>();

        cases.add(new Case("(cache line round trip between two threads, reference)", LINE_TRIPS,
                () -> CoreToCore.roundTrips(LINE_TRIPS)));

        Case semaphores = new Case("Event round trip: two Semaphores, JDK VT", PING_PONGS,
                () -> EventBenchmark.semaphoreRoundTrips(jdk, PING_PONGS));
        cases.add(semaphores);
        cases.add(semaphores.against("  Event, affine same scheduler",
                () -> EventBenchmark.roundTrips(same, PING_PONGS)));
        cases.add(semaphores.against("  Event, affine across schedulers",
                () -> EventBenchmark.roundTrips(across, PING_PONGS)));
        cases.add(semaphores.against("  Event, JDK VT",
                () -> EventBenchmark.roundTrips(jdk, PING_PONGS)));

        Case synchronousQueue = new Case("Chan ping-pong: SynchronousQueue, JDK VT", PING_PONGS,
                () -> ChanBenchmark.pingPongQueue(jdk, PING_PONGS));
        cases.add(synchronousQueue);
        cases.add(synchronousQueue.against("  Chan(0), affine same scheduler",
                () -> ChanBenchmark.pingPongChan(same, PING_PONGS)));
        cases.add(synchronousQueue.against("  Chan(0), affine across schedulers",
                () -> ChanBenchmark.pingPongChan(across, PING_PONGS)));
        cases.add(synchronousQueue.against("  Chan(0), JDK VT",
                () -> ChanBenchmark.pingPongChan(jdk, PING_PONGS)));
        cases.add(new Case("  (SynchronousQueue, VTs on one carrier, reference)", PING_PONGS,
                () -> ChanBenchmark.pingPongQueue(oneCarrier, PING_PONGS)));

        Case arrayBlockingQueue = new Case("Chan stream: ArrayBlockingQueue, JDK VT", VALUES,
                () -> ChanBenchmark.streamQueue(jdk, VALUES));
        cases.add(arrayBlockingQueue);
        cases.add(arrayBlockingQueue.against("  Chan(1024), affine same scheduler",
                () -> ChanBenchmark.streamChan(same, VALUES)));
        cases.add(arrayBlockingQueue.against("  Chan(1024), affine across schedulers",
                () -> ChanBenchmark.streamChan(across, VALUES)));
        cases.add(arrayBlockingQueue.against("  Chan(1024), JDK VT",
                () -> ChanBenchmark.streamChan(jdk, VALUES)));

        int lockOps = MutexBenchmark.PARTIES * LOCKS_PER_PARTY;
        ReentrantLock fair = new ReentrantLock(true);
        ReentrantLock barging = new ReentrantLock();
        Mutex mutex = new Mutex();
        Case fairLock = new Case("Mutex, 4 parties: fair ReentrantLock, JDK VT", lockOps,
                () -> MutexBenchmark.contended(jdk, fair::lock, fair::unlock, LOCKS_PER_PARTY));
        cases.add(fairLock);
        cases.add(fairLock.against("  Mutex, affine (2 per scheduler)",
                () -> MutexBenchmark.contended(across, mutex::lock, mutex::unlock, LOCKS_PER_PARTY)));
        cases.add(fairLock.against("  Mutex, JDK VT",
                () -> MutexBenchmark.contended(jdk, mutex::lock, mutex::unlock, LOCKS_PER_PARTY)));
        cases.add(new Case("  (barging ReentrantLock, JDK VT, for reference)", lockOps,
                () -> MutexBenchmark.contended(jdk, barging::lock, barging::unlock, LOCKS_PER_PARTY)));
        return cases;
    }

    /** Two platform threads bouncing one volatile counter: the cost of a cache line's round trip. */
    static final class CoreToCore {
        private static volatile int turn;

        static void roundTrips(int n) throws InterruptedException {
            turn = 0;
            Thread peer = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    while ((turn & 1) == 0) {
                        Thread.onSpinWait();
                    }
                    turn++;
                }
            });
            peer.start();
            for (int i = 0; i < n; i++) {
                turn++;
                while ((turn & 1) == 1) {
                    Thread.onSpinWait();
                }
            }
            peer.join();
        }
    }
}
