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
}
