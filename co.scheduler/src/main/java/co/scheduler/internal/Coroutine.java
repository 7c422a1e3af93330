package co.scheduler.internal;

import co.api.spi.CoContext;
import co.api.spi.UncaughtExceptions;

/** The body of every coroutine thread: installs its context, runs the task, reports what escapes. */
final class Coroutine implements Runnable {

    private final CoContext context;
    private final Runnable task;

    Coroutine(CoContext context, Runnable task) {
        this.context = context;
        this.task = task;
    }

    @Override
    public void run() {
        CoContext.enter(context);
        try {
            task.run();
        } catch (Throwable t) {
            // Reported, never rethrown: the JDK would print it, and a scheduler must not care.
            UncaughtExceptions.report(Thread.currentThread(), context.id(), t);
        }
    }
}
