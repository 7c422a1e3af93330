package co.sync.internal;

import java.util.concurrent.TimeUnit;

/**
 * The {@code long ms} timeouts of co.sync as the nanoseconds its waits count in: negative means
 * forever, 0 polls. Deadlines are {@link co.api.spi.Deadline}s, made where a wait starts.
 */
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
}
