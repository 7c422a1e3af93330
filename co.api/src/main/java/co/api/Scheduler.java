package co.api;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One scheduling thread of the co runtime (C++ co's {@code xx::Scheduler}).
 *
 * <p>Coroutines started through a scheduler run on it for their whole life. Use
 * {@link Co#nextScheduler()} or {@link Co#allSchedulers()} to get one when several coroutines must
 * share a thread (and so need no locking between them).
 *
 * <p>Thread safety: every method may be called from any thread, in or out of a coroutine.
 */
public interface Scheduler {

    /**
     * Returns this scheduler's id, from {@code 0} to {@code Co.schedulerNum() - 1}.
     *
     * @return the id
     */
    int id();

    /**
     * Starts a coroutine on this scheduler (co's {@code add_new_task}). Does not wait for the
     * coroutine, which runs later on this scheduler's thread. The coroutine takes the caller's
     * context class loader and the values of its {@link InheritableThreadLocal}s, as a thread the
     * caller started would. On the {@code affine} provider the coroutines one thread starts here
     * begin to run in the order of its calls.
     *
     * <p>Back-pressure: a spawner faster than the scheduler is slowed down, so that a spawning loop
     * cannot pile up an unbounded backlog of coroutines that have not run yet (each one is a thread
     * the garbage collector must copy). When a coroutine starts coroutines on its own scheduler
     * while hundreds of tasks already wait to run there, the caller yields (as
     * {@link Thread#yield()}) after the start; like a Go goroutine, a coroutine may therefore be
     * switched out at this call. On the {@code affine} provider, when another thread (a plain
     * thread, or a coroutine of another scheduler) starts one while thousands of this scheduler's
     * coroutines wait to begin, the caller parks until half of them have begun. It never waits for
     * a scheduler that begins none for 100 ms (one whose thread a coroutine holds): it goes on
     * queueing until that scheduler moves again.
     *
     * @param task what the coroutine runs; an exception escaping it is reported to
     *     {@link Co#setUncaughtExceptionHandler the uncaught-exception handler}
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalStateException if the runtime has been {@linkplain Co#stop() stopped}
     */
    void go(Runnable task);

    /**
     * Starts a coroutine on this scheduler that calls {@code f.accept(p)}.
     *
     * @param f the coroutine function
     * @param p its argument
     * @param <P> the argument type
     * @throws NullPointerException if {@code f} is null
     * @throws IllegalStateException if the runtime has been stopped
     */
    default <P> void go(Consumer<? super P> f, P p) {
        Objects.requireNonNull(f, "f");
        go(() -> f.accept(p));
    }
}
