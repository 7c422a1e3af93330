package co.scheduler.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * Starts the JDK's own I/O poller threads before any affine coroutine can.
 *
 * <p>A new virtual thread takes the scheduler of the virtual thread that creates it. On JDK 22+ the
 * JDK's socket pollers ({@code sun.nio.ch.Poller}, "SubPoller-N") are virtual threads started
 * lazily by the first virtual thread that blocks in socket I/O. Were that an affine coroutine, the
 * pollers would live on its scheduling thread, and once that runtime stopped every blocking JDK
 * socket call of every virtual thread in the process would hang. Initializing the class from a
 * platform thread puts them on the JDK's default scheduler, where they belong.
 *
 * <p>If that fails (another JDK layout, or an initialization that does not finish) co says so once
 * through {@link System.Logger} and goes on: the affine runtime still works, and the risk the
 * message names is only that of JDK socket I/O after the runtime stops. Starting never waits longer
 * than {@link #START_TIMEOUT_MS}.
 *
 * <p>Thread safety: {@link #startOnDefaultScheduler} may be called from any thread; it does its
 * work once.
 */
final class JdkPollers {

    private static final System.Logger LOG = System.getLogger("co");

    /** The longest wait for the JDK's poller class to initialize. */
    static final long START_TIMEOUT_MS = 10_000;

    private static volatile boolean started;
    /** What went wrong in {@link #initialize}, for the one warning; written before the thread ends. */
    private static volatile Throwable failure;

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
            started = true;                     // whatever happens below, once
            Thread t = new Thread(JdkPollers::initialize, "co-jdk-pollers");
            t.setDaemon(true);
            t.start();
            boolean interrupted = false;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
            while (t.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable why = failure;
            if (t.isAlive()) {
                warn("did not finish within " + START_TIMEOUT_MS + " ms", null);
            } else if (why != null) {
                warn("failed: " + why, why);
            }
        }
    }

    private static void warn(String what, Throwable why) {
        LOG.log(Level.WARNING, "co: starting the JDK's socket pollers on the default scheduler " + what
                + "; if a coroutine starts them instead, blocking JDK socket I/O of virtual threads may hang"
                + " once that affine runtime stops", why);
    }

    private static void initialize() {
        try {
            // Loading needs no access to the package; initializing starts the pollers.
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException e) {
            // A JDK without the class (before 21, or another layout): no pollers to start early.
        } catch (Throwable t) {
            failure = t;
        }
    }
}
