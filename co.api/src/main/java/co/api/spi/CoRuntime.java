package co.api.spi;

import co.api.Scheduler;
import java.util.List;

/**
 * A running set of schedulers made by a {@link SchedulerProvider}: what {@link co.api.Co} delegates
 * to. One is created lazily for the process; providers may create more (tests do).
 *
 * <p>Thread safety: every method may be called from any thread unless it says otherwise.
 */
public interface CoRuntime {

    /**
     * Creates and starts a new runtime of the scheduler provider named {@code provider}, apart from
     * the process-wide one of {@link co.api.Co}: for tests, benchmarks and embedders that want a
     * runtime of their own. The caller owns it and must {@link #stop()} it. An explicit lookup (see
     * {@link Provider}): there is no fallback to another provider.
     *
     * @param provider the provider's name, for example {@code "affine"} or {@code "virtual"}
     * @param schedulers the number of scheduling threads, at least 1
     * @return the running runtime
     * @throws IllegalArgumentException if no provider has that name, if it is unavailable (the cause
     *     attached), or if {@code schedulers < 1}
     */
    static CoRuntime create(String provider, int schedulers) {
        java.util.Objects.requireNonNull(provider, "provider");
        if (schedulers < 1) {
            throw new IllegalArgumentException("schedulers must be at least 1: " + schedulers);
        }
        return co.api.internal.Providers.createRuntime(provider, schedulers);
    }

    /**
     * Returns the name of the provider that made this runtime ({@code "affine"}, {@code "virtual"},
     * ...).
     *
     * @return the provider name
     */
    String name();

    /**
     * Tells whether each scheduler is one thread that runs its coroutines one at a time, so that
     * state kept per scheduler needs no lock when only its own coroutines touch it (true for
     * {@code affine}; false for {@code virtual}, whose schedulers are only logical).
     *
     * @return true if coroutines of one scheduler never run in parallel
     */
    boolean affine();

    /**
     * Returns the schedulers, indexed by id.
     *
     * @return an unmodifiable list of {@code schedulerNum} schedulers
     */
    List<Scheduler> schedulers();

    /**
     * Returns the scheduler the next {@link #go} will use (co's {@code next_scheduler()}).
     *
     * @return a scheduler
     */
    Scheduler nextScheduler();

    /**
     * Starts a coroutine on {@link #nextScheduler()}. Does not block.
     *
     * @param task the coroutine body
     * @throws IllegalStateException if the runtime is stopped
     */
    default void go(Runnable task) {
        nextScheduler().go(task);
    }

    /**
     * Suspends the calling coroutine for at least {@code ms} milliseconds; {@code ms <= 0} yields.
     * Must be called on a coroutine of this runtime.
     *
     * @param ms the time to sleep in milliseconds
     */
    void sleep(long ms);

    /**
     * Whether the calling thread may busy-wait for a moment (a few microseconds, with
     * {@link Thread#onSpinWait()}) for another thread to hand it something, without delaying other
     * work. A primitive that expects a hand-off from another core (a channel rendezvous, a lock
     * released soon) asks this before it parks: parking and being woken across threads costs far
     * more than a short spin when the other side is running.
     *
     * <p>Affine: true only on a coroutine whose scheduling thread has nothing else queued to run (a
     * spinning coroutine holds its scheduling thread) and when the machine has more than one
     * processor. The default: true when the machine has more than one processor. Never blocks; the
     * answer is a hint that may be stale the moment it is returned.
     *
     * @return true if a short spin costs no other coroutine anything
     */
    default boolean maySpin() {
        return co.api.internal.Processors.MULTI_CORE;
    }

    /**
     * Parks the calling thread for at most {@code nanos}, as {@link
     * java.util.concurrent.locks.LockSupport#parkNanos(Object, long)} does, and with its contract: it
     * returns on {@code unpark}, on interrupt, when the time is up, or spuriously, so callers loop on
     * their own condition. A scheduler whose coroutines have a timer of their own (affine) uses it
     * instead of the JDK's shared timer threads; on any other thread this is {@code parkNanos}.
     *
     * @param blocker the object the thread waits on, for diagnostics
     * @param nanos the longest wait; nothing happens if {@code <= 0}
     */
    default void parkNanos(Object blocker, long nanos) {
        java.util.concurrent.locks.LockSupport.parkNanos(blocker, nanos);
    }

    /**
     * Runs a piece of CPU-heavy work for the caller and returns when it is done: work that takes
     * far longer than a hand-off between coroutines (a signature, a key exchange, a certificate
     * check: milliseconds) and that the caller cannot go on without. A transport calls it where it
     * would otherwise run such work inline, so that the runtime may choose where and when it runs.
     *
     * <p>The work runs exactly once, on some thread of this runtime or on the caller's; it must not
     * depend on which. What it throws ({@link RuntimeException} or {@link Error}) is thrown here; a
     * checked exception thrown sneakily may arrive wrapped in an
     * {@link java.lang.reflect.UndeclaredThrowableException}.
     * The caller blocks (a coroutine parks) until the work has run; there is no timeout, so the work
     * itself must be bounded.
     *
     * <p>Affine: the coroutine parks and the work waits in a queue shared by all schedulers; a
     * scheduler takes it once it has nothing else to run, so that the caller's scheduler first
     * serves its other ready coroutines, and an idle scheduler runs the work of a busy one (its own
     * coroutines never move). A piece of work that waited about a millisecond is taken even by a
     * busy scheduler. The default, and any caller that is not a coroutine of a runtime with several
     * schedulers: runs the work inline.
     *
     * @param work the work; it should not block for long (it may hold a scheduling thread)
     */
    default void compute(Runnable work) {
        work.run();
    }

    /**
     * Returns the poller that the calling thread must use to wait for channel readiness: its
     * scheduler's own poller in a coroutine, a shared one elsewhere.
     *
     * @return the poller for the calling thread
     */
    Poller poller();

    /**
     * Returns the I/O backend of the calling coroutine's scheduling thread, so that a native
     * transport can register its descriptors where that thread blocks. The default, and any caller
     * that is not a coroutine of a runtime whose schedulers have backends: null (the transport then
     * waits its own way).
     *
     * @return the calling coroutine's backend, or null
     */
    default IoBackend ioBackend() {
        return null;
    }

    /**
     * Stops the runtime: later {@code go} calls throw {@link IllegalStateException}. What happens to
     * coroutines that exist at that moment is the provider's to say: {@code affine} ends its
     * scheduling threads and abandons them (they never resume); {@code virtual} lets them run to
     * their end. Never waits on a coroutine; from a plain thread it may wait, bounded, for scheduling
     * threads to end. Calling it again has no effect.
     */
    void stop();

    /**
     * Tells whether {@link #stop()} has been called.
     *
     * @return true once stopped
     */
    boolean isStopped();
}
