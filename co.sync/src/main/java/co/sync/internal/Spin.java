package co.sync.internal;

import co.api.spi.CoRuntime;

/**
 * When and how long a co.sync waiter busy-waits before it parks.
 *
 * <p>Parking a coroutine and unparking it from another core costs a few microseconds (a scheduler
 * round trip on each side); a hand-off from a party that is running on another core usually comes
 * sooner. So a waiter that expects such a hand-off (a channel operation, a contended mutex) first
 * spins for at most {@link #NANOS} with {@link Thread#onSpinWait()}, and only if spinning delays
 * nobody: {@link CoRuntime#maySpin()} of the caller's runtime (on {@code affine}: its scheduling
 * thread has nothing else to run), or for a thread outside co's runtimes, a machine with more than
 * one processor.
 *
 * <p>Threading: stateless; any thread.
 */
public final class Spin {

    /** The longest spin of one wait, in nanoseconds. */
    public static final long NANOS = 4_000;

    /** How many {@link Thread#onSpinWait()} turns pass between two checks of the clock and of
     * {@link #allowed}; a power of two. */
    static final int CHECK_EVERY = 8;

    private static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;

    private Spin() {
    }

    /**
     * Tells whether the calling thread may spin now.
     *
     * @param runtime the caller's runtime ({@code CoContext.current().runtime()}), null outside
     *     co's runtimes
     * @return true if a short spin delays no other coroutine or thread
     */
    public static boolean allowed(CoRuntime runtime) {
        return runtime != null ? runtime.maySpin() : MULTI_CORE;
    }
}
