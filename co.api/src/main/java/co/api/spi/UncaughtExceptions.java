package co.api.spi;

import java.lang.System.Logger.Level;

/**
 * Where scheduler providers report an exception that escaped a coroutine: the handler set with
 * {@link co.api.Co#setUncaughtExceptionHandler}, or else {@link System.Logger} at ERROR level.
 *
 * <p>Thread safety: {@link #report} may be called from any thread, and never throws.
 */
public final class UncaughtExceptions {

    private static final System.Logger LOG = System.getLogger("co");
    private static volatile Thread.UncaughtExceptionHandler handler;

    private UncaughtExceptions() {
    }

    /**
     * Sets the handler (null restores logging). Called by {@link co.api.Co#setUncaughtExceptionHandler}.
     *
     * @param h the handler, or null
     */
    public static void setHandler(Thread.UncaughtExceptionHandler h) {
        handler = h;
    }

    /**
     * Returns the handler.
     *
     * @return the handler, or null when exceptions are logged
     */
    public static Thread.UncaughtExceptionHandler handler() {
        return handler;
    }

    /**
     * Reports {@code error}, thrown by coroutine {@code coroutineId} on {@code thread}. A handler that
     * itself throws is logged, with the original exception.
     *
     * @param thread the coroutine's thread
     * @param coroutineId the coroutine id, or -1
     * @param error what escaped
     */
    public static void report(Thread thread, long coroutineId, Throwable error) {
        Thread.UncaughtExceptionHandler h = handler;
        if (h != null) {
            try {
                h.uncaughtException(thread, error);
                return;
            } catch (Throwable t) {
                t.addSuppressed(error);
                error = t;
            }
        }
        try {
            LOG.log(Level.ERROR, "co: uncaught exception in coroutine " + coroutineId, error);
        } catch (Throwable ignored) {
            // A broken logger must not take a scheduling thread down.
        }
    }
}
