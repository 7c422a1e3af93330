package co.api.spi;

import java.nio.channels.SelectableChannel;

/**
 * Waits for readiness of non-blocking channels on behalf of the calling thread: the one primitive
 * beneath {@link co.api.IoEvent} and every transport.
 *
 * <p>A scheduler's own poller registers the channel on that scheduling thread's selector, so
 * readiness, timers and resumption happen on one thread with no hand-off. Thread rules: a poller
 * obtained from {@link CoRuntime#poller()} must be used only by the thread that obtained it.
 */
public interface Poller {

    /**
     * Parks the calling thread until {@code channel} may be ready for {@code ops}, until
     * {@code timeoutMs} elapse, or until the thread is unparked by
     * {@link java.util.concurrent.locks.LockSupport#unpark} (used to wake a waiter whose channel
     * another thread closed). A {@code true} return is a hint, not a promise: the caller retries its
     * non-blocking operation and waits again if it would still block.
     *
     * @param channel a channel in non-blocking mode
     * @param ops one of {@link java.nio.channels.SelectionKey#OP_READ}, {@code OP_WRITE},
     *     {@code OP_ACCEPT}, {@code OP_CONNECT}
     * @param timeoutMs the longest wait in milliseconds; negative waits forever
     * @return false if the wait timed out (the calling thread's {@link CoContext} then has
     *     {@code ETIMEDOUT} and the timeout flag) or the thread is interrupted ({@code EINTR}; the
     *     interrupt status stays set), true otherwise
     * @throws java.nio.channels.IllegalBlockingModeException if the channel is in blocking mode
     */
    boolean await(SelectableChannel channel, int ops, long timeoutMs);

    /**
     * Says that the caller no longer waits for {@code ops} on {@code channel} (co's
     * {@code ~IoEvent}). The poller may drop the interest lazily. Never blocks.
     *
     * @param channel the channel
     * @param ops the operations given to {@link #await}
     */
    void release(SelectableChannel channel, int ops);

    /**
     * Tells the poller that {@code channel}, which it may have registered, has just been closed. The
     * JDK closes the descriptor of a channel registered with a selector only at that selector's next
     * selection; a poller that may hold the registration and is not the caller's own thread wakes its
     * selector so the descriptor (and a reset's RST, or a listening port) is released now. Any thread;
     * never blocks.
     *
     * @param channel the closed channel
     */
    default void closed(SelectableChannel channel) {
    }

    /**
     * Cancels this poller's selection key for {@code channel}, if it has one, on the thread that
     * owns the poller's selector, then runs {@code done}; called before the channel is closed, so
     * that closing it finds its keys cancelled already.
     *
     * <p>Why: the JDK's selectors guard their cancelled-key queue (and the channel's key set) with
     * monitors, and since JDK 24 a virtual thread that blocks on a monitor leaves its carrier and
     * is queued on its scheduler again when the monitor is released. A scheduling thread that runs
     * both the selection and the coroutines that wait in it must therefore never find one of its
     * own coroutines queued on such a monitor while it blocks on the same monitor in its selection:
     * the release would hand the monitor to the coroutine, which can only run on the blocked thread
     * (a deadlock seen in a 10,000-connection TLS storm: connections closing on one scheduler while
     * their keys sat in another's selector). Cancelling each key on its own selector's thread means
     * no other thread ever takes those monitors of a scheduling thread's selector.
     *
     * <p>A poller whose selection runs on a thread of its own (a plain thread's shared poller)
     * cancels nothing and runs {@code done} at once: the default. Any thread; never blocks;
     * {@code done} runs exactly once, on this thread or on the poller's, possibly after this call
     * has returned (also when the poller is closing or closed).
     *
     * @param channel the channel about to be closed
     * @param done what to run once the key is cancelled (typically: the last one closes the channel)
     */
    default void cancelKey(SelectableChannel channel, Runnable done) {
        done.run();
    }
}
