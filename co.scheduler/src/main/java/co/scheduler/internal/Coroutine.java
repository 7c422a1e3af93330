package co.scheduler.internal;

import co.api.Scheduler;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A coroutine: the body a coroutine thread runs, and its entry in its scheduler's list of live
 * coroutines ({@link Coroutines}), which the coroutine dump and the stall watchdog read. The thread's
 * uncaught-exception handler is its {@link CoContext}: {@link CoContext#current()} finds the context
 * with one field read of the thread, and whatever escapes the task reaches
 * {@link co.api.spi.UncaughtExceptions} through the JDK's own uncaught-exception dispatch, after
 * which the thread ends and its scheduler goes on. If user code replaces the handler, the coroutine
 * stays one: {@link Coroutines#locate} finds its context through this entry (once; then a
 * thread-local keeps it), what escapes goes to the user's handler, and {@link #run} still counts it.
 *
 * <p>Threading: {@link #run} links and unlinks this entry on the coroutine's own thread; on the
 * affine scheduler that is always the one scheduling thread that owns the list.
 */
final class Coroutine extends MpscQueue.Node<Runnable> implements Runnable {

    final CoContext context;
    private final Runnable task;
    private final Coroutines list;
    /**
     * The context class loader to take as it begins, or null to keep the one its thread inherited
     * from the thread that created it: set when the creating thread is not the spawner.
     */
    private final ClassLoader loader;
    /** The coroutine's thread; set by the thread itself when it starts. */
    Thread thread;
    Coroutine prev;
    Coroutine next;

    private Coroutine(CoContext context, Runnable task, Coroutines list, ClassLoader loader) {
        super(null);
        value = this; // its own node in a scheduler's remote queue
        this.context = context;
        this.task = task;
        this.list = list;
        this.loader = loader;
    }

    /**
     * {@link Scheduler#go} of every scheduler of both runtimes: refuses a null task and a stopped
     * runtime, numbers the coroutine ({@link #nextSequence}, {@link #id}) and starts it.
     *
     * @param factory makes the (virtual) thread
     * @param runtime the runtime, which must not be stopped
     * @param scheduler the scheduler the coroutine belongs to
     * @param sequence that scheduler's coroutine counter
     * @param count how many schedulers the runtime has
     * @param task the body
     * @param list the live-coroutine list of the scheduler
     * @throws IllegalStateException if the runtime has been stopped
     */
    static void go(ThreadFactory factory, CoRuntime runtime, Scheduler scheduler, AtomicLong sequence,
            int count, Runnable task, Coroutines list) {
        long coroutineId = id(nextSequence(runtime, sequence, task), count, scheduler.id());
        start(factory, new CoContext(runtime, scheduler, coroutineId), task, list);
    }

    /**
     * The checks of {@link #go} and the taking of a number, without the start: refuses a null task
     * and a stopped runtime, and takes the next number of a scheduler's coroutine counter. From
     * this call on the coroutine counts as spawned in the runtime's metrics.
     *
     * @param runtime the runtime, which must not be stopped
     * @param sequence the scheduler's coroutine counter
     * @param task the body, checked for null
     * @return the coroutine's number on its scheduler, for {@link #id}
     * @throws IllegalStateException if the runtime has been stopped
     */
    static long nextSequence(CoRuntime runtime, AtomicLong sequence, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (runtime.isStopped()) {
            throw new IllegalStateException("co: the runtime has been stopped");
        }
        return sequence.getAndIncrement();
    }

    /**
     * A coroutine id: {@code sequence × count + scheduler id}, unique across the runtime's
     * {@code count} schedulers.
     *
     * @param sequence the coroutine's number on its scheduler
     * @param count how many schedulers the runtime has
     * @param schedulerId the scheduler's id
     * @return the id
     */
    static long id(long sequence, int count, int schedulerId) {
        return sequence * count + schedulerId;
    }

    /**
     * Creates and starts a coroutine thread with {@code factory}.
     *
     * @param factory makes the (virtual) thread
     * @param context the coroutine's context
     * @param task the body
     * @param list the live-coroutine list of its scheduler, which also names the thread
     */
    static void start(ThreadFactory factory, CoContext context, Runnable task, Coroutines list) {
        Thread t = factory.newThread(new Coroutine(context, task, list, null));
        t.setName(list.threadName);
        t.start();
    }

    /**
     * A coroutine not yet started, for its scheduler to start.
     *
     * @param context the coroutine's context
     * @param task the body
     * @param list the live-coroutine list of its scheduler
     * @param loader the context class loader it takes as it begins (the spawner's, when another
     *     thread will create it), or null to keep the one inherited from the thread that creates it
     * @return the coroutine
     */
    static Coroutine of(CoContext context, Runnable task, Coroutines list, ClassLoader loader) {
        return new Coroutine(context, task, list, loader);
    }

    @Override
    public void run() {
        // Set here, by the thread itself before any user code, rather than by its starter: a
        // starter starts the thread it creates at once.
        Thread me = Thread.currentThread();
        me.setUncaughtExceptionHandler(context);
        if (loader != null) {
            me.setContextClassLoader(loader);
        }
        list.enter(this);
        // JFR co.CoroutineLifetime: one volatile read per coroutine while no recording runs.
        Object lifetime = JfrGate.recording ? JfrLifetime.begin(context) : null;
        boolean uncaught = false;
        try {
            task.run();
        } catch (Throwable e) {
            uncaught = true;
            list.uncaught();
            throw e; // on to the JDK's dispatch: the context reports it
        } finally {
            list.exit(this);
            if (lifetime != null) {
                JfrLifetime.end(lifetime, uncaught);
            }
        }
    }
}
