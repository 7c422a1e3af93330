package co.scheduler.internal;

/**
 * Something due at a {@link System#nanoTime()} deadline, kept in a {@link TimerHeap}. Only the
 * owning scheduling thread touches a timer.
 */
abstract class Timer {
    long deadline;
    /** Position in the heap, -1 when not in one. */
    int index = -1;

    /** Runs on the scheduling thread when the deadline has passed. */
    abstract void fire();
}
