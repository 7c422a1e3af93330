package co.net.nio.internal;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.api.spi.IoLoop;
import co.api.spi.Poller;
import co.api.spi.SockEdges;
import co.api.spi.SockWaiters;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every NIO socket shares: the closed flag, the record of threads waiting in the socket so
 * that {@link #close()} from another thread can wake them, and the wait step of co's I/O loop.
 *
 * <p><b>The I/O loop.</b> Each operation tries the non-blocking call first; only when it would block
 * does it take the calling thread's {@link Poller} (the scheduler's own selector in a coroutine, a
 * shared poller on a plain thread) and call {@link #await}, then tries again. The deadline starts
 * at the first wait. The poller interest is released once, when the operation ends (co's
 * {@code ~IoEvent}).
 *
 * <p><b>Close from another thread.</b> {@link SockWaiters}' protocol: a waiter publishes its
 * thread before it reads {@link #closed}; {@link #close()} sets {@code closed} before it wakes the
 * published waiters. All are volatile, so (sequential consistency of volatile accesses) either the
 * waiter sees {@code closed} and does not park, or the closer sees the waiter and unparks it; an
 * unpark that comes before the park leaves a permit, so the park returns at once. The woken waiter
 * sees {@code closed} and fails with {@link Errno#EBADF}.
 *
 * <p>Thread safety: data calls may run on several threads at once (one reader and one writer is the
 * intended use); {@link #close()} may be called from any thread at any time.
 */
abstract class NioSock implements Sock {

    private static final VarHandle CLOSED;
    private static final VarHandle MORE_POLLERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CLOSED = l.findVarHandle(NioSock.class, "closed", boolean.class);
            MORE_POLLERS = l.findVarHandle(NioSock.class, "morePollers", Set.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final NioTransport transport;
    final ProtocolFamily family;

    /** Set once by {@link #close()}; volatile, see the class comment for the ordering argument. */
    private volatile boolean closed;
    /** The threads waiting in this socket, for {@link #close()} to wake (see the class comment). */
    private final SockWaiters waiters = new SockWaiters();
    /**
     * The pollers that waited on this socket's channels (usually one; two when a reader and a
     * writer run on different schedulers), each asked by {@link #close()} to cancel its key on its
     * own thread before the channel closes ({@link #closeChannel}). A waiter records its poller
     * (volatile) before it reads {@link #closed}, and {@code close()} sets {@code closed} before it
     * reads these, so a poller that registers the channel is always seen here.
     */
    private volatile Poller poller1;
    private volatile Poller poller2;
    /** Pollers beyond the first two, created on first need. */
    private volatile Set<Poller> morePollers;

    NioSock(NioTransport transport, ProtocolFamily family) {
        this.transport = transport;
        this.family = family;
        NioTransportProvider.OPEN_SOCKS.add(this);
    }

    @Override
    public final Transport transport() {
        return transport;
    }

    /**
     * Returns the channel options and addresses act on right now.
     *
     * @return the channel, never null
     */
    abstract NetworkChannel channel();

    /** Closes the channels; called once, by {@link #close()}, possibly on another thread. */
    abstract void closeChannels();

    final boolean isClosed() {
        return closed;
    }

    @Override
    public final boolean isOpen() {
        return !closed;
    }

    @Override
    public final void close() {
        // CAS so that exactly one caller closes the channels.
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        NioTransportProvider.OPEN_SOCKS.remove(this);
        closeChannels();
        waiters.wakeAll();
    }

    @Override
    public int close(int ms) {
        return SockEdges.closeAfter(this, closed, ms);
    }

    /** Fails with {@link Errno#EBADF}: the socket is closed. */
    static int closedError() {
        return Errors.fail(Errno.EBADF, "socket closed");
    }

    /**
     * Waits once until {@code ch} may be ready for {@code ops}, or the deadline passes, or the
     * socket is closed, or the thread is interrupted.
     *
     * @param poller the calling thread's poller
     * @param ch the channel
     * @param ops the selection-key operation
     * @param deadline the call's deadline, made at its first wait
     * @param read true for the reader slot (read, accept), false for the writer slot (write, connect)
     * @return true to retry the operation; false with the error set (ETIMEDOUT and the timeout flag,
     *     EBADF, or EINTR)
     */
    final boolean await(Poller poller, SelectableChannel ch, int ops, Deadline deadline, boolean read) {
        int ms = deadline.remainingMillis();
        if (ms == 0) {
            CoContext.current().setTimedOut();
            return false;
        }
        return await(poller, ch, ops, ms, read);
    }

    /**
     * Waits once, as {@link #await(Poller, SelectableChannel, int, Deadline, boolean)} does, for at
     * most {@code ms} milliseconds: the wait step of an {@link IoLoop}, which has checked the
     * deadline already.
     *
     * @param ms -1 for ever, else at least 1
     * @return true to retry the operation; false with the error set
     */
    final boolean await(Poller poller, SelectableChannel ch, int ops, int ms, boolean read) {
        // Publish the waiter before reading `closed` (see the class comment).
        boolean inSlot = waiters.publish(read);
        try {
            if (closed) {
                closedError();
                return false;
            }
            if (!poller.await(ch, ops, ms)) {
                return false;                                // the poller set ETIMEDOUT
            }
        } catch (RuntimeException e) {
            // A poller may trip over a channel that another thread has just closed.
            if (closed || !ch.isOpen()) {
                closedError();
                return false;
            }
            throw e;
        } finally {
            waiters.unpublish(read, inSlot);
        }
        return SockWaiters.afterWait(closed);
    }

    /**
     * Returns the calling thread's poller (a plain thread's needs no runtime), noting it so that
     * {@link #close()} can tell it.
     *
     * @return the poller
     */
    final Poller poller() {
        Poller p = CoContext.current().poller();
        if (p != poller1 && p != poller2) {
            if (poller1 == null) {
                poller1 = p;
            } else if (poller2 == null) {
                poller2 = p;
            } else {
                pollersSet().add(p);   // a third scheduler: rare, but its key must be cancelled too
            }
        }
        return p;
    }

    private Set<Poller> pollersSet() {
        Set<Poller> s = morePollers;
        if (s == null) {
            Set<Poller> fresh = ConcurrentHashMap.newKeySet();
            s = MORE_POLLERS.compareAndSet(this, null, fresh) ? fresh : morePollers;
        }
        return s;
    }

    /**
     * Closes {@code ch} after every poller that waited on it has cancelled its selection key on its
     * own thread ({@link Poller#cancelKey}: no thread but a scheduling thread may take the monitors
     * of that thread's selector); the last of them closes the channel and tells the pollers
     * ({@link Poller#closed}). The channel may thus close a moment after this call returns, on
     * another scheduling thread; the socket is closed for its users already ({@link #close()} sets
     * the flag first), and the JDK defers the descriptor's release to the selector anyway.
     *
     * @param ch the channel
     */
    final void closeChannel(SelectableChannel ch) {
        List<Poller> pollers = new ArrayList<>(2);
        Poller a = poller1;
        Poller b = poller2;
        if (a != null) {
            pollers.add(a);
        }
        if (b != null && b != a) {
            pollers.add(b);
        }
        Set<Poller> more = morePollers;
        if (more != null) {
            for (Poller p : more) {
                if (!pollers.contains(p)) {
                    pollers.add(p);
                }
            }
        }
        AtomicInteger left = new AtomicInteger(pollers.size() + 1);
        Runnable last = () -> {
            if (left.decrementAndGet() == 0) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing never fails in a way the caller could act on
                }
                for (Poller p : pollers) {
                    p.closed(ch);
                }
            }
        };
        for (Poller p : pollers) {
            p.cancelKey(ch, last);
        }
        last.run();
    }

    /**
     * Drops the interest an operation registered, ignoring a channel closed meanwhile.
     *
     * @param poller the poller, or null if the operation never waited
     * @param ch the channel
     * @param ops the operation
     */
    static void release(Poller poller, SelectableChannel ch, int ops) {
        if (poller != null) {
            try {
                poller.release(ch, ops);
            } catch (RuntimeException ignored) {
                // the channel was closed under us; its key is cancelled anyway
            }
        }
    }

    @Override
    public <T> T getOption(SocketOption<T> option) {
        CoContext.current().clearTimeout();
        if (closed) {
            closedError();
            return null;
        }
        try {
            return channel().getOption(option);
        } catch (Exception e) {
            Errors.fail(e);
            return null;
        }
    }

    @Override
    public SocketAddress localAddress() {
        try {
            return closed ? null : channel().getLocalAddress();
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public String toString() {
        SocketAddress local = localAddress();
        SocketAddress remote = remoteAddress();
        return getClass().getSimpleName() + "[" + family + (closed ? " closed" : "")
                + (local == null ? "" : " local=" + Co.toString(local))
                + (remote == null ? "" : " remote=" + Co.toString(remote)) + "]";
    }
}
