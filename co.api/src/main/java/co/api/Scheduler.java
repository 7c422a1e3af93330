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
     * Starts a coroutine on this scheduler (co's {@code add_new_task}). Does not block; the
     * coroutine runs later on this scheduler's thread.
     *
     * <p>Back-pressure: when a coroutine starts coroutines on its own scheduler while hundreds of
     * tasks already wait to run there, the caller yields (as {@link Thread#yield()}) after the
     * start, so that a spawning loop cannot pile up an unbounded backlog of threads that have not
     * run yet. Like a Go goroutine, a coroutine may therefore be switched out at this call.
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
