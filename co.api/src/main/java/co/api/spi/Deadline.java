package co.api.spi;

import java.util.concurrent.TimeUnit;

/**
 * The moment a call that may wait must give up: what every {@code int ms} timeout of co becomes
 * once a call starts waiting. One meaning everywhere, for every layer (a transport, a transport
 * layered over another one, a poller, a sync primitive):
 *
 * <ul>
 *   <li>a negative {@code ms} is {@link #NONE}: no deadline, wait for ever;
 *   <li>{@code ms = 0} is a deadline that has already passed: "do not wait". The call does what it
 *       can now and fails with {@link co.api.Errno#ETIMEDOUT} only if it would have to wait;
 *   <li>a positive {@code ms} is that many milliseconds from the moment the deadline is made.
 * </ul>
 *
 * <p><b>One rounding rule.</b> {@link #remainingMillis()} rounds up, so a wait handed down in
 * milliseconds never ends before the deadline; {@link #remainingNanos()} is exact. Both are 0 once
 * the deadline has passed, and a layered transport passes {@code remainingMillis()} to the layer
 * below as that layer's {@code ms}: -1 (for ever) stays -1, a passed deadline becomes 0 (do not
 * wait).
 *
 * <p>Make a deadline when a call first has to wait, not before: the fast path of a call that never
 * waits then reads no clock. {@link #NONE} is shared, so waiting for ever allocates nothing.
 *
 * <p>Thread safety: immutable; any thread.
 */
public final class Deadline {

    /** No deadline: the wait lasts until the awaited event. */
    public static final Deadline NONE = new Deadline(0, true);

    /**
     * Waits of this many nanoseconds or more (about 146 years) are treated as {@link #NONE}: beyond
     * it {@link System#nanoTime()} differences could overflow.
     */
    private static final long FOREVER_NANOS = Long.MAX_VALUE / 2;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    /** The {@link System#nanoTime()} value at which the deadline passes; unused for {@link #NONE}. */
    private final long at;
    private final boolean forever;

    private Deadline(long at, boolean forever) {
        this.at = at;
        this.forever = forever;
    }

    /**
     * Returns the deadline of a call given {@code ms}, counted from now.
     *
     * @param ms milliseconds; negative for no deadline, 0 for "do not wait"
     * @return the deadline; {@link #NONE} when {@code ms < 0}
     */
    public static Deadline after(long ms) {
        if (ms < 0) {
            return NONE;
        }
        return afterNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    /**
     * Returns the deadline {@code nanos} nanoseconds from now.
     *
     * @param nanos nanoseconds; negative for no deadline, 0 for "do not wait"
     * @return the deadline; {@link #NONE} when {@code nanos < 0} or too far away to matter
     */
    public static Deadline afterNanos(long nanos) {
        if (nanos < 0 || nanos >= FOREVER_NANOS) {
            return NONE;
        }
        return new Deadline(System.nanoTime() + nanos, false);
    }

    /**
     * Tells whether this is {@link #NONE}.
     *
     * @return true if there is no deadline
     */
    public boolean isNone() {
        return forever;
    }

    /**
     * Tells whether the deadline has passed. Never true for {@link #NONE}; true at once for a
     * deadline made from {@code ms = 0}.
     *
     * @return true once the time is up
     */
    public boolean expired() {
        return !forever && at - System.nanoTime() <= 0;
    }

    /**
     * Returns the nanoseconds left, exactly.
     *
     * @return {@link Long#MAX_VALUE} for {@link #NONE}; 0 once passed; otherwise the time left
     */
    public long remainingNanos() {
        if (forever) {
            return Long.MAX_VALUE;
        }
        long left = at - System.nanoTime();
        return left <= 0 ? 0 : left;
    }

    /**
     * Returns the milliseconds left, rounded up (so a wait of that many milliseconds ends no earlier
     * than the deadline), in the {@code int ms} form every co call takes.
     *
     * @return -1 for {@link #NONE}; 0 once passed; otherwise at least 1, at most
     *     {@link Integer#MAX_VALUE}
     */
    public int remainingMillis() {
        if (forever) {
            return -1;
        }
        long left = at - System.nanoTime();
        if (left <= 0) {
            return 0;
        }
        long ms = (left + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
        return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
    }

    /**
     * Returns whichever of this deadline and {@code other} passes first: for a call bounded both by
     * its caller's {@code ms} and by a limit of its own (a handshake timeout, for example).
     *
     * @param other another deadline
     * @return the earlier one; {@link #NONE} only if both are
     */
    public Deadline earlier(Deadline other) {
        if (other.forever) {
            return this;
        }
        if (forever) {
            return other;
        }
        return other.at - at < 0 ? other : this;
    }

    /**
     * Describes the deadline for diagnostics.
     *
     * @return {@code "Deadline[none]"} or {@code "Deadline[in N ms]"} (N rounded up, 0 once passed)
     */
    @Override
    public String toString() {
        return forever ? "Deadline[none]" : "Deadline[in " + remainingMillis() + " ms]";
    }
}
