package co.bench.sched;

import co.api.Co;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Heap per parked coroutine: parks N coroutines (each in {@code Co.sleep}, or in a latch await for
 * the JDK baseline), measures used heap after full GCs before and after, and divides.
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

    private static double measure(int count, Spawner spawner, long sleepMs, boolean hold, boolean weigh)
            throws Exception {
        CountDownLatch parked = new CountDownLatch(count);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(count);
        long before = weigh ? usedAfterGc() : 0;
        for (int i = 0; i < count; i++) {
            spawner.spawn(() -> {
                parked.countDown();
                if (sleepMs > 0) {
                    Co.sleep(sleepMs);
                } else {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ended.countDown();
            });
        }
        if (!parked.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not all parked");
        }
        long after = weigh ? usedAfterGc() : 0;
        if (hold) {
            // -Dco.bench.hold=true keeps them parked for a heap histogram (jcmd PID GC.class_histogram).
            System.out.println("holding; pid " + ProcessHandle.current().pid());
            Thread.sleep(60_000);
        }
        release.countDown();
        if (!weigh) {
            ended.await(120, TimeUnit.SECONDS);
        }
        return (after - before) / (double) count;
    }

    /**
     * Measures one case per JVM, so that no case's garbage or survivors skew another's baseline.
     *
     * @param args {@code affine-sleep}, {@code affine-latch}, {@code virtual-latch} or
     *     {@code jdk-latch}, then optionally the count (default 200000)
     * @throws Exception if the coroutines do not park in time
     */
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "affine-latch";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int n = Runtime.getRuntime().availableProcessors();
        Spawner spawner;
        boolean coSleep = which.endsWith("-sleep");
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
            measure(10_000, spawner, coSleep ? 1 : 0, false, false);
        }
        double bytes = measure(count, spawner, coSleep ? TimeUnit.HOURS.toMillis(1) : 0, Boolean.getBoolean("co.bench.hold"), true);
        // A benchmark harness reports on standard output.
        System.out.printf("%s: %d parked, %.0f bytes each%n", which, count, bytes);
        System.exit(0);
    }
}
