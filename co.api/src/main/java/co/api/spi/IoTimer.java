package co.api.spi;

/**
 * Something due at a {@link System#nanoTime()} deadline, kept in the timer heap of one scheduling
 * thread ({@link IoHost#addTimer}). An {@link IoBackend} uses it for the timeouts of its waits.
 *
 * <p>Thread rules: a timer belongs to one scheduling thread; only that thread (its loop or one of
 * its coroutines) touches it. The heap position is the host's: a backend never sets it.
 */
public abstract class IoTimer {

    private long deadline;
    /** Position in the host's heap, -1 when in none. */
    private int heapIndex = -1;

    /** Creates a timer that is in no heap. */
    protected IoTimer() {
    }

    /**
     * Returns the deadline.
     *
     * @return a {@link System#nanoTime()} value
     */
    public final long deadline() {
        return deadline;
    }

    /**
     * Sets the deadline; only while the timer is in no heap.
     *
     * @param nanoTime a {@link System#nanoTime()} value
     */
    public final void deadline(long nanoTime) {
        this.deadline = nanoTime;
    }

    /**
     * Returns the timer's position in its host's heap.
     *
     * @return the position, -1 when the timer is in no heap
     */
    public final int heapIndex() {
        return heapIndex;
    }

    /**
     * Sets the timer's position; called only by the host's heap.
     *
     * @param index the position, -1 when removed
     */
    public final void heapIndex(int index) {
        this.heapIndex = index;
    }

    /** Runs on the scheduling thread once the deadline has passed; must not block. */
    public abstract void fire();
}
