package co.api.spi;

import co.api.Errno;
import co.api.Scheduler;

/**
 * The state co keeps for each coroutine and each plain thread that uses it: which runtime and
 * scheduler it belongs to, its coroutine id, and the last error and timeout flag that
 * {@link co.api.Co#error()} and {@link co.api.Co#timeout()} report.
 *
 * <p>A scheduler provider creates one context per coroutine and either makes it the coroutine
 * thread's uncaught-exception handler (a context reports what escapes the coroutine to
 * {@link UncaughtExceptions}; {@link #current()} finds it with one field read, no per-thread map
 * and no extra object — the cheap way), or makes a {@link Holder} of it the handler, or
 * {@linkplain #enter installs} it in a thread-local as the first thing the coroutine does. A plain
 * thread gets a context lazily, with no runtime, no scheduler and id {@code -1}.
 *
 * <p>Thread safety: a context belongs to one thread; only that thread may read or change its error
 * state. The identity fields are final.
 */
public final class CoContext implements Thread.UncaughtExceptionHandler {

    private static final ThreadLocal<CoContext> CURRENT = new ThreadLocal<>();
    private static final java.util.List<Locator> LOCATORS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Implemented by the uncaught-exception handler a scheduler provider sets on each coroutine
     * thread, so that {@link #current()} finds the coroutine's context without a thread-local.
     * If user code replaces a coroutine thread's handler ({@code setUncaughtExceptionHandler}),
     * {@link #current()} finds the context through the provider's {@link Locator} instead.
     */
    public interface Holder extends Thread.UncaughtExceptionHandler {
        /**
         * Returns the context of the coroutine whose thread has this handler.
         *
         * @return the context
         */
        CoContext coContext();
    }

    /**
     * Finds the context of a coroutine thread whose uncaught-exception handler is no longer the
     * provider's (user code replaced it). A scheduler provider registers one with
     * {@link #addLocator}; {@link #current()} asks it once per such thread (then keeps the answer
     * in a thread-local), on that thread, so it may be slow but must be correct.
     */
    @FunctionalInterface
    public interface Locator {
        /**
         * Returns the context of coroutine thread {@code t}, the calling thread.
         *
         * @param t the calling thread (a virtual thread)
         * @return its context, or null if {@code t} is not one of this provider's coroutines
         */
        CoContext locate(Thread t);
    }

    /**
     * Registers a {@link Locator}. Scheduler providers call this once.
     *
     * @param locator the locator
     */
    public static void addLocator(Locator locator) {
        LOCATORS.add(locator);
    }

    private final CoRuntime runtime;
    private final Scheduler scheduler;
    private final long id;
    private int error;
    private boolean timeout;
    private String detail;

    private CoContext() {
        this(null, null, -1);
    }

    /**
     * Creates the context of a coroutine.
     *
     * @param runtime the runtime that runs it, or null for a plain thread
     * @param scheduler the scheduler it belongs to, or null for a plain thread
     * @param id its coroutine id ({@code k * schedulerNum + schedulerId}), or -1 for a plain thread
     */
    public CoContext(CoRuntime runtime, Scheduler scheduler, long id) {
        this.runtime = runtime;
        this.scheduler = scheduler;
        this.id = id;
    }

    /**
     * Returns the calling thread's context, creating a plain-thread context if it has none.
     *
     * @return the context, never null
     */
    public static CoContext current() {
        Thread t = Thread.currentThread();
        Thread.UncaughtExceptionHandler h = t.getUncaughtExceptionHandler();
        if (h instanceof CoContext c) {
            return c;
        }
        if (h instanceof Holder holder) {
            return holder.coContext();
        }
        CoContext c = CURRENT.get();
        return c != null ? c : firstLookup(t);
    }

    /**
     * A thread without a context in {@link #CURRENT}: a coroutine whose handler user code replaced
     * (its provider's locator finds it), or a plain thread (a new plain context). Kept in the
     * thread-local either way, so this runs once per thread.
     */
    private static CoContext firstLookup(Thread t) {
        CoContext c = null;
        if (t.isVirtual()) {
            for (Locator l : LOCATORS) {
                if ((c = l.locate(t)) != null) {
                    break;
                }
            }
        }
        if (c == null) {
            c = new CoContext();
        }
        CURRENT.set(c);
        return c;
    }

    /**
     * Reports an exception that escaped this context's coroutine to {@link UncaughtExceptions}
     * (the handler the user set, or {@code System.Logger}). Never throws.
     *
     * @param t the coroutine thread
     * @param e what escaped it
     */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        UncaughtExceptions.report(t, id, e);
    }

    /**
     * Installs {@code context} as the calling thread's context. A scheduler provider calls this at
     * the start of each coroutine it runs, on the coroutine's own thread.
     *
     * @param context the coroutine's context
     */
    public static void enter(CoContext context) {
        CURRENT.set(context);
    }

    /**
     * Returns the poller the calling thread waits for channel readiness with: in a coroutine, its
     * runtime's {@link CoRuntime#poller()}; on a plain thread, the plain-thread poller of the
     * scheduler provider co selects ({@link SchedulerProvider#plainThreadPoller()}), which needs
     * no runtime, so a plain thread that waits on a socket neither creates the process-wide runtime
     * nor fails after {@link co.api.Co#stop()}. Call it on this context's own thread.
     *
     * @return the poller for the calling thread
     * @throws IllegalStateException if no scheduler provider is available
     */
    public Poller poller() {
        if (runtime != null) {
            return runtime.poller();
        }
        Poller p = co.api.internal.Providers.plainThreadPoller();
        return p != null ? p : co.api.Co.runtime().poller();
    }

    /**
     * Returns the runtime this coroutine belongs to.
     *
     * @return the runtime, or null on a plain thread
     */
    public CoRuntime runtime() {
        return runtime;
    }

    /**
     * Returns the scheduler this coroutine belongs to.
     *
     * @return the scheduler, or null on a plain thread
     */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Returns the coroutine id.
     *
     * @return the id, or -1 on a plain thread
     */
    public long id() {
        return id;
    }

    /**
     * Tells whether this context belongs to a coroutine.
     *
     * @return true for a coroutine, false for a plain thread
     */
    public boolean isCoroutine() {
        return scheduler != null;
    }

    /**
     * Returns the last error code set on this thread.
     *
     * @return an {@link Errno} value; 0 if none
     */
    public int error() {
        return error;
    }

    /**
     * Returns the detail message of the last error, if the code that set it gave one.
     *
     * @return the detail, or null
     */
    public String detail() {
        return detail;
    }

    /**
     * Returns whether the last I/O wait on this thread timed out.
     *
     * @return true if it timed out
     */
    public boolean timeout() {
        return timeout;
    }

    /**
     * Sets the last error with no detail message; {@link Errno#ETIMEDOUT} also sets the timeout
     * flag, any other code clears it.
     *
     * @param err the error code
     */
    public void setError(int err) {
        setError(err, null);
    }

    /**
     * Sets the last error and a detail message (for example an {@code SSLException}'s text),
     * returned by {@link co.api.Co#strerror()} after the code's standard text.
     *
     * @param err the error code
     * @param detail the detail, or null
     */
    public void setError(int err, String detail) {
        this.error = err;
        this.detail = detail;
        this.timeout = err == Errno.ETIMEDOUT;
    }

    /**
     * Records that an I/O wait timed out: the error becomes {@link Errno#ETIMEDOUT} and
     * {@link #timeout()} true.
     */
    public void setTimedOut() {
        setError(Errno.ETIMEDOUT, null);
    }

    /** Clears the timeout flag at the start of an I/O operation; the error code is kept. */
    public void clearTimeout() {
        this.timeout = false;
    }
}
