package co.bench.sched;

import co.api.Co;
import co.api.spi.CoRuntime;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Heap per parked coroutine: parks N coroutines (each in {@code Co.sleep}, or in a latch await for
 * the JDK baseline), measures used heap after full GCs before and after, and divides.
 *
 * <p>Run: {@code java --add-opens=java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * co.bench.sched.ParkedFootprint [count]}. Prints one line per case.
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

    private static double measure(int count, Spawner spawner, boolean coSleep) throws Exception {
        CountDownLatch parked = new CountDownLatch(count);
        CountDownLatch release = new CountDownLatch(1);
        long before = usedAfterGc();
        for (int i = 0; i < count; i++) {
            spawner.spawn(() -> {
                parked.countDown();
                if (coSleep) {
                    Co.sleep(TimeUnit.HOURS.toMillis(1));
                } else {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
        if (!parked.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not all parked");
        }
        long after = usedAfterGc();
        release.countDown();
        return (after - before) / (double) count;
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        CoRuntime affine = Runtimes.create("affine", Runtime.getRuntime().availableProcessors());
        double a = measure(count, affine::go, true);
        double al = measure(count, affine::go, false);
        CoRuntime virtual = Runtimes.create("virtual", Runtime.getRuntime().availableProcessors());
        double v = measure(count, virtual::go, false);
        double j = measure(count, r -> Thread.ofVirtual().start(r), false);
        // A benchmark harness reports on standard output.
        System.out.printf("parked coroutines: %d%n", count);
        System.out.printf("co affine, parked in Co.sleep:        %.0f bytes each%n", a);
        System.out.printf("co affine, parked in a latch await:   %.0f bytes each%n", al);
        System.out.printf("co virtual, parked in a latch await:  %.0f bytes each%n", v);
        System.out.printf("JDK virtual thread, latch await:      %.0f bytes each%n", j);
        System.exit(0);
    }
}
