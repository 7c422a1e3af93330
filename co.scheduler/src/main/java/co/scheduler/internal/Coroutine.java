package co.scheduler.internal;

import co.api.spi.CoContext;
import co.api.spi.UncaughtExceptions;
import java.util.concurrent.ThreadFactory;

/**
 * The body of every coroutine thread, and its uncaught-exception handler: as a
 * {@link CoContext.Holder} it makes the coroutine's context reachable with one field read of the
 * thread (no thread-local map per coroutine). Runs the task and reports what escapes.
 */
final class Coroutine implements Runnable, CoContext.Holder {

    private final CoContext context;
    private final Runnable task;

    private Coroutine(CoContext context, Runnable task) {
        this.context = context;
        this.task = task;
    }

    /**
     * Creates and starts a coroutine thread with {@code factory}.
     *
     * @param factory makes the (virtual) thread
     * @param context the coroutine's context
     * @param task the body
     */
    static void start(ThreadFactory factory, CoContext context, Runnable task) {
        Coroutine c = new Coroutine(context, task);
        Thread t = factory.newThread(c);
        t.setUncaughtExceptionHandler(c);
        t.start();
    }

    @Override
    public CoContext coContext() {
        return context;
    }

    @Override
    public void run() {
        try {
            task.run();
        } catch (Throwable t) {
            // Reported, never rethrown: the JDK would print it, and a scheduler must not care.
            UncaughtExceptions.report(Thread.currentThread(), context.id(), t);
        }
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        // run() catches everything; this covers what the JDK itself might raise around it.
        UncaughtExceptions.report(t, context.id(), e);
    }
}
