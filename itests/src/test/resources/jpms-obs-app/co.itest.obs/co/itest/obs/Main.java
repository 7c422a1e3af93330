package co.itest.obs;

import co.api.Co;
import co.api.RuntimeMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs coroutines (one of them holds its scheduler until the watchdog reports it), then prints what co's observability
 * gave: the metrics API always; the MXBeans when java.management is resolved; the stall event when
 * jdk.jfr is resolved. Exit status 0 unless something threw.
 */
public final class Main {

    public static void main(String[] args) throws Exception {
        boolean jmx = ModuleLayer.boot().findModule("java.management").isPresent();
        boolean jfr = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
        System.out.println("resolved java.management=" + jmx + " jdk.jfr=" + jfr);
        Path jfrFile = jfr ? Files.createTempFile("co-obs", ".jfr") : null;
        Object recording = jfr ? Jfr.start() : null;
        CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            Co.go(() -> {
                Co.sleep(1);
                done.countDown();
            });
        }
        CountDownLatch stalled = new CountDownLatch(1);
        Co.go(() -> {
            // Holds the scheduling thread until the watchdog has reported the stall (it counts a
            // stall only once its JFR event and warning are out), at most 30 s.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Co.metrics().stalls() == 0 && System.nanoTime() - end < 0) {
                Thread.onSpinWait(); // holds the scheduling thread: a stall
            }
            stalled.countDown();
        });
        if (!done.await(30, TimeUnit.SECONDS) || !stalled.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("coroutines did not finish");
        }
        RuntimeMetrics m = Co.metrics();
        System.out.println("metrics provider=" + m.provider() + " spawned=" + m.spawned()
                + " schedulers=" + m.schedulers().size() + " stalls=" + m.stalls());
        System.out.println("coroutines listed=" + (Co.coroutines() != null));
        if (jmx) {
            System.out.println("mbeans " + Jmx.names());
        }
        if (jfr) {
            System.out.println("jfr stall events=" + Jfr.stop(recording, jfrFile));
            Files.deleteIfExists(jfrFile);
        }
        Co.stop();
        if (jmx) {
            System.out.println("mbeans after stop " + Jmx.names());
        }
        System.out.println("ok");
    }
}
