package co.bench.sched;

import co.api.Co;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Heap per parked coroutine: parks N coroutines (in {@code Co.sleep}, a latch await, or a bare
 * {@code LockSupport.park}), measures used heap after full GCs before and after, and divides.
 *
 * <p>Run: {@code java --add-opens=java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * co.bench.sched.ParkedFootprint CASE [count]}, one JVM per case. Prints one line.
 */
public final class ParkedFootprint {

    private ParkedFootprint() {
    }

    private static long usedAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    interface Spawner {
        void spawn(Runnable r);
    }

    /** How the measured coroutines wait. */
    enum Wait {
        /** {@code Co.sleep} (a timer of the coroutine's scheduler). */
        SLEEP,
        /** {@code CountDownLatch.await} (an AQS queue node). */
        LATCH,
        /** A bare {@code LockSupport.park} loop: the floor, nothing but the thread and its stack. */
        PARK
    }

    /** One measurement's shared state, read by a body that captures nothing. */
    private static final class Round {
        final Wait wait;
        final long sleepMs;
        final CountDownLatch parked;
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch ended;
        final Thread[] threads;
        final AtomicInteger slot = new AtomicInteger();

        Round(int count, Wait wait, long sleepMs) {
            this.wait = wait;
            this.sleepMs = sleepMs;
            this.parked = new CountDownLatch(count);
            this.ended = new CountDownLatch(count);
            this.threads = new Thread[count];
        }
    }

    private static volatile Round round;

    /**
     * The body of every measured coroutine, in every case: a lambda that captures nothing is one
     * shared object, so the figure is what the runtime costs per parked coroutine, not the weight of
     * the benchmark's own closures.
     */
    private static final Runnable BODY = () -> {
        Round r = round;
        r.threads[r.slot.getAndIncrement()] = Thread.currentThread();
        r.parked.countDown();
        switch (r.wait) {
            case SLEEP -> Co.sleep(r.sleepMs);
            case LATCH -> {
                try {
                    r.release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case PARK -> {
                while (r.release.getCount() > 0) {
                    LockSupport.park();
                }
            }
        }
        r.ended.countDown();
    };

    private static double measure(int count, Spawner spawner, Wait wait, long sleepMs, boolean hold, boolean weigh)
            throws Exception {
        Round r = new Round(count, wait, sleepMs);
        round = r;
        long before = weigh ? usedAfterGc() : 0;
        for (int i = 0; i < count; i++) {
            spawner.spawn(BODY);
        }
        if (!r.parked.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not all parked");
        }
        long after = weigh ? usedAfterGc() : 0;
        if (hold) {
            // -Dco.bench.hold=true keeps them parked for a heap histogram (jcmd PID GC.class_histogram).
            System.out.println("holding; pid " + ProcessHandle.current().pid());
            Thread.sleep(60_000);
        }
        r.release.countDown();
        if (wait == Wait.PARK) {
            for (Thread t : r.threads) {
                LockSupport.unpark(t);
            }
        }
        if (!weigh && !r.ended.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not all ended");
        }
        return (after - before) / (double) count;
    }

    /**
     * Measures one case per JVM, so that no case's garbage or survivors skew another's baseline.
     *
     * @param args the case, {@code PROVIDER-WAIT} with PROVIDER {@code affine}, {@code virtual} or
     *     {@code jdk} (plain virtual threads) and WAIT {@code sleep} ({@code Co.sleep}), {@code latch}
     *     or {@code park} (the floor); then optionally the count (default 200000)
     * @throws Exception if the coroutines do not park in time
     */
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "affine-latch";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int n = Runtime.getRuntime().availableProcessors();
        Spawner spawner;
        Wait wait = which.endsWith("-sleep") ? Wait.SLEEP : which.endsWith("-park") ? Wait.PARK : Wait.LATCH;
        if (which.startsWith("affine")) {
            spawner = Runtimes.create("affine", n)::go;
        } else if (which.startsWith("virtual")) {
            spawner = Runtimes.create("virtual", n)::go;
        } else {
            spawner = r -> Thread.ofVirtual().start(r);
        }
        // Warm up the very path measured (spawn, park, resume, end) until the JIT has compiled it:
        // an interpreted frame is several times larger than a compiled one, and a parked
        // coroutine's stack is copied to the heap as it is.
        for (int round = 0; round < 20; round++) {
            measure(10_000, spawner, wait, 1, false, false);
        }
        double bytes = measure(count, spawner, wait, TimeUnit.HOURS.toMillis(1), Boolean.getBoolean("co.bench.hold"), true);
        // A benchmark harness reports on standard output.
        System.out.printf("%s: %d parked, %.0f bytes each%n", which, count, bytes);
        System.exit(0);
    }
}
