package co.api.spi;

/**
 * A park blocker ({@link java.util.concurrent.locks.LockSupport#park(Object)}) that knows when its
 * wait began, so that the coroutine dump ({@link co.api.Co#coroutines()}) can say how long a
 * coroutine has waited on it. Implemented by co.sync's waiters; read by the scheduler providers'
 * introspection from any thread, racily (a diagnostic value).
 */
public interface WaitRecord {

    /**
     * Returns when the wait began.
     *
     * @return a {@link System#nanoTime()} value, or -1 if the waiter has not parked yet
     */
    long waitingSince();
}
