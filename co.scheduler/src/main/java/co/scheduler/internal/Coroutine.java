package co.scheduler.internal;

import co.api.spi.CoContext;
import java.util.concurrent.ThreadFactory;

/**
 * Starts coroutine threads. A coroutine is a virtual thread that runs the user's task directly (no
 * wrapper object and no wrapper frame on its stack) and whose uncaught-exception handler is its
 * {@link CoContext}: {@link CoContext#current()} finds the context with one field read of the
 * thread, and whatever escapes the task reaches {@link co.api.spi.UncaughtExceptions} through the
 * JDK's own uncaught-exception dispatch, after which the thread ends and its scheduler goes on.
 */
final class Coroutine {

    private Coroutine() {
    }

    /**
     * Creates and starts a coroutine thread with {@code factory}.
     *
     * @param factory makes the (virtual) thread
     * @param context the coroutine's context
     * @param task the body
     */
    static void start(ThreadFactory factory, CoContext context, Runnable task) {
        Thread t = factory.newThread(task);
        t.setUncaughtExceptionHandler(context);
        t.start();
    }
}
