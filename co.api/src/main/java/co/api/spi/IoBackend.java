package co.api.spi;

import java.io.IOException;

/**
 * The I/O half of one scheduling thread, after Netty 4.2's {@code IoHandler}: the scheduling loop
 * runs its coroutines and timers and talks to I/O only through this interface. The JDK
 * {@link java.nio.channels.Selector} backend ({@link SelectorBackend}) is the default; native ones
 * (epoll, io_uring) come from an {@link IoBackendProvider}.
 *
 * <p>A backend wakes the coroutines whose I/O became ready by {@link IoWaiter#ready()} (an unpark,
 * which queues the coroutine on its own scheduler); it never runs user code itself. Every backend
 * also waits for JDK channels ({@link Poller}, the primitive beneath {@link co.api.IoEvent} and the
 * nio transport), in the same blocking wait as its own descriptors.
 *
 * <p>Thread rules: all methods except {@link #wakeup()} are called on the scheduling thread only
 * (the loop, or for the {@link Poller} methods one of its coroutines); {@code wakeup} on any thread.
 */
public interface IoBackend extends Poller {

    /**
     * Returns the backend's name.
     *
     * @return {@code "nio"}, {@code "epoll"}, ...
     */
    String name();

    /**
     * Dispatches the I/O that is ready now, without blocking.
     *
     * @return how many descriptors or channels were found ready
     * @throws IOException if the backend failed; the scheduling thread then stops
     */
    int pollNow() throws IOException;

    /**
     * Blocks until I/O is ready, {@link #wakeup()} is called, or {@code timeoutMs} pass, and
     * dispatches what is ready. A {@code wakeup} that came before this call makes it return at once.
     *
     * @param timeoutMs the longest wait in milliseconds (the next timer); negative waits without limit
     * @return how many descriptors or channels were found ready
     * @throws IOException if the backend failed; the scheduling thread then stops
     */
    int poll(long timeoutMs) throws IOException;

    /**
     * Tells whether anything is registered, so that a non-blocking poll could find work.
     *
     * @return false when {@link #pollNow()} would certainly find nothing
     */
    boolean hasRegistrations();

    /**
     * Makes a {@link #poll} in progress, or the next one, return soon. Any thread; never blocks.
     */
    void wakeup();

    /**
     * Releases the backend's descriptors when its scheduling thread ends. Waiting coroutines are
     * abandoned with their scheduler. Never throws.
     */
    void close();
}
