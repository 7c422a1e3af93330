package co.scheduler.internal;

/**
 * Starts the JDK's own I/O poller threads before any affine coroutine can.
 *
 * <p>A new virtual thread takes the scheduler of the virtual thread that creates it. On JDK 22+ the
 * JDK's socket pollers ({@code sun.nio.ch.Poller}, "SubPoller-N") are virtual threads started
 * lazily by the first virtual thread that blocks in socket I/O. Were that an affine coroutine, the
 * pollers would live on its scheduling thread, and once that runtime stopped every blocking JDK
 * socket call of every virtual thread in the process would hang. Initializing the class from a
 * platform thread puts them on the JDK's default scheduler, where they belong.
 */
final class JdkPollers {

    private static volatile boolean started;

    private JdkPollers() {
    }

    static void startOnDefaultScheduler() {
        if (started) {
            return;
        }
        synchronized (JdkPollers.class) {
            if (started) {
                return;
            }
            Thread t = new Thread(JdkPollers::initialize, "co-jdk-pollers");
            t.setDaemon(true);
            t.start();
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            started = true;
        }
    }

    private static void initialize() {
        try {
            // Loading needs no access to the package; initializing starts the pollers.
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (Throwable ignored) {
            // Another JDK layout: nothing to start, or nothing we can start early.
        }
    }
}
