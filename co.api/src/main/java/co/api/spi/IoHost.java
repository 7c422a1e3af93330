package co.api.spi;

/**
 * What a scheduling thread offers the {@link IoBackend} it runs: its timer heap and its identity.
 * Implemented by scheduler providers; used by backends.
 *
 * <p>Thread rules: {@link #addTimer} and {@link #removeTimer} only on the scheduling thread (its
 * loop or one of its coroutines); {@link #id} and {@link #isHostThread} on any thread.
 */
public interface IoHost {

    /**
     * Returns the id of the scheduler this host is.
     *
     * @return the scheduler id
     */
    int id();

    /**
     * Tells whether the calling thread is this scheduling thread or one of its coroutines.
     *
     * @return true on this scheduler
     */
    boolean isHostThread();

    /**
     * Adds a timer; the loop fires it once its deadline has passed. Scheduling thread only.
     *
     * @param timer a timer in no heap, its deadline set
     */
    void addTimer(IoTimer timer);

    /**
     * Removes a timer if it is still in the heap; nothing happens otherwise. Scheduling thread only.
     *
     * @param timer the timer
     */
    void removeTimer(IoTimer timer);

    /**
     * Hears that a coroutine begins ({@code +1}) or ends ({@code -1}) a wait in
     * {@link IoWaiter#await}, so that the host can count the coroutines parked on I/O for its metrics.
     * Scheduling thread only; must be cheap. The default does nothing.
     *
     * @param delta +1 or -1
     */
    default void ioWaiters(int delta) {
    }
}
