package co.api;

import co.api.spi.CoContext;
import co.api.spi.Poller;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * Waits for a non-blocking channel to become readable or writable, suspending only the calling
 * coroutine (co's {@code co::IoEvent}): the primitive that makes third-party non-blocking code
 * coroutine-friendly.
 *
 * <p>Try the non-blocking operation first; wait only when it would block; keep the event open for
 * the whole loop:
 * <pre>{@code
 * try (IoEvent ev = new IoEvent(channel, IoEvent.READ)) {
 *     for (;;) {
 *         int n = channel.read(buf);
 *         if (n != 0) return n;
 *         if (!ev.await(ms)) return -1;   // Co.timeout() / Co.error() tell why
 *     }
 * }
 * }</pre>
 *
 * <p>On a listening {@link ServerSocketChannel}, {@link #READ} waits for a connection to accept;
 * on a {@link SocketChannel} whose connect is pending, {@link #WRITE} waits for the connect to
 * finish. In a coroutine of the affine scheduler the channel is registered on that scheduling
 * thread's own selector; elsewhere (virtual scheduler, plain threads) a shared poller thread
 * watches it and the caller blocks.
 *
 * <p>Threads: an {@code IoEvent} belongs to the thread that first calls {@link #await}; use it, and
 * close it, on that thread only. Reading and writing at once needs two events.
 */
public final class IoEvent implements AutoCloseable {

    /** Wait until the channel is readable (or, for a server channel, a connection is ready). */
    public static final int READ = 1;
    /** Wait until the channel is writable (or its pending connect has finished). */
    public static final int WRITE = 2;

    private final SelectableChannel channel;
    private final int event;
    private Poller poller;
    private int ops;

    /**
     * Creates an event for {@code channel}; registers nothing until {@link #await}.
     *
     * @param channel a channel in non-blocking mode
     * @param event {@link #READ} or {@link #WRITE}
     * @throws IllegalArgumentException if {@code event} is neither, or the channel cannot do it
     * @throws NullPointerException if {@code channel} is null
     */
    public IoEvent(SelectableChannel channel, int event) {
        this.channel = Objects.requireNonNull(channel, "channel");
        if (event != READ && event != WRITE) {
            throw new IllegalArgumentException("event must be IoEvent.READ or IoEvent.WRITE: " + event);
        }
        this.event = event;
        int valid = channel.validOps();
        boolean ok = event == READ
                ? (valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0
                : (valid & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0;
        if (!ok) {
            throw new IllegalArgumentException(channel + " cannot wait for " + (event == READ ? "READ" : "WRITE"));
        }
    }

    private int opsNow() {
        if (event == READ) {
            return (channel.validOps() & SelectionKey.OP_ACCEPT) != 0 ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if (channel instanceof SocketChannel sc && sc.isConnectionPending()) {
            return SelectionKey.OP_CONNECT;
        }
        return SelectionKey.OP_WRITE;
    }

    /**
     * Waits until the channel may be ready, at most {@code ms} milliseconds. Suspends the calling
     * coroutine (or blocks a plain thread; that needs no coroutine runtime and works after
     * {@link Co#stop()}). A {@code true} return means "try the operation again": it may still
     * would-block, in which case wait again.
     *
     * @param ms the longest wait in milliseconds, -1 for ever, 0 to look without waiting
     * @return true when the channel may be ready (or the wait was woken because another thread
     *     closed the socket that owns it), with {@link Co#timeout()} false even if an earlier call
     *     timed out; false on timeout, with {@link Co#timeout()} true and {@link Co#error()}
     *     {@link Errno#ETIMEDOUT}, or if the thread is interrupted ({@link Errno#EINTR}, interrupt
     *     status kept)
     * @throws java.nio.channels.IllegalBlockingModeException if the channel is in blocking mode
     */
    public boolean await(int ms) {
        CoContext ctx = CoContext.current();
        if (poller == null) {
            poller = ctx.poller();
        }
        int now = opsNow();
        if (ops != 0 && ops != now) {
            poller.release(channel, ops);
        }
        ops = now;
        if (!poller.await(channel, now, ms)) {
            return false;
        }
        ctx.clearTimeout();
        return true;
    }

    /**
     * Waits until the channel may be ready, for ever (co's {@code IoEvent::wait()} with its default
     * {@code ms = -1}); see {@link #await(int)}.
     *
     * @return true when the channel may be ready; false if the thread is interrupted
     *     ({@link Errno#EINTR})
     * @throws java.nio.channels.IllegalBlockingModeException if the channel is in blocking mode
     */
    public boolean await() {
        return await(-1);
    }

    /** Drops the registered interest (co's {@code ~IoEvent}). Never blocks; safe to call twice. */
    @Override
    public void close() {
        if (poller != null && ops != 0) {
            poller.release(channel, ops);
            ops = 0;
        }
    }
}
