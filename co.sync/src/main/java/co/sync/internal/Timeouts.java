package co.sync.internal;

import java.util.concurrent.TimeUnit;

/** Conversions for the {@code long ms} timeouts of co.sync: negative means forever, 0 polls. */
public final class Timeouts {

    private Timeouts() {
    }

    /**
     * Converts a timeout in milliseconds to nanoseconds.
     *
     * @param ms the timeout; negative for forever
     * @return the nanoseconds (saturated), or -1 for forever
     */
    public static long nanos(long ms) {
        return ms < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /**
     * Returns the {@link System#nanoTime()} deadline of a wait. Arithmetic may wrap; callers only
     * compare {@code deadline - System.nanoTime()}, which stays exact for any wait below 292 years.
     *
     * @param nanos the wait; negative for forever
     * @return the deadline, or 0 when {@code nanos < 0}
     */
    public static long deadline(long nanos) {
        return nanos < 0 ? 0 : System.nanoTime() + nanos;
    }
}
