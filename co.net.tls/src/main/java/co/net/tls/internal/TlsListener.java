package co.net.tls.internal;

import co.api.Errno;
import co.api.Scheduler;
import co.api.Sock;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.net.tls.TlsConfig;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listening side of a TLS socket: accepts connections of the underlying listener and runs their
 * server handshakes, at most {@link TlsConfig#maxHandshakes()} at a time.
 *
 * <p><b>Admission.</b> A handshake costs milliseconds of CPU (signature, key exchange), so a burst of
 * connections (every client of a restarted server at once) cannot all handshake at the same time:
 * those started together would wait for CPU behind each other. So at most {@code maxHandshakes}
 * handshakes run at a time; the connections accepted beyond them wait, in order of arrival, in a
 * queue of this listener, where they cost a descriptor and their buffers but no CPU and no timer
 * runs for them (their recv, send and handshake calls wait for the admission within their own
 * {@code ms}). {@code accept} keeps taking connections from the kernel while they arrive: the
 * kernel's listen backlog is small (at most {@code net.core.somaxconn}) and, once full, it drops the
 * final ACKs and SYNs of new connections, which a client sees as a connection reset after about a
 * minute. Only when {@link TlsConfig#maxQueuedHandshakes()} connections already wait does
 * {@code accept} wait too (within its own timeout), and the kernel's backlog holds the rest. A slot
 * is given back when the handshake ends (done, failed or timed out), which
 * {@link TlsConfig#handshakeTimeoutMs()} of peer silence bounds.
 *
 * <p>Thread safety: {@link #accept} and {@link #close} may be called from any coroutine or thread.
 */
final class TlsListener {

    /** Enough permits to wake every waiting acceptor once the listener is closed. */
    private static final int WAKE_ALL = Integer.MAX_VALUE / 2;

    /** An accepted connection waiting for a handshake slot, and where its handshake is to run. */
    private record Queued(TlsConnection connection, CoRuntime runtime, int nth) {
    }

    private final TlsTransport transport;
    private final Sock sock;
    private final TlsConfig config;
    /** Accepted connections whose handshake has not ended, running or queued: at most the two bounds. */
    private final Semaphore places;
    /** The connections waiting for a handshake slot, oldest first. */
    private final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();
    /** Handshakes started and not ended: at most {@code config.maxHandshakes()}. */
    private final AtomicInteger running = new AtomicInteger();
    /** How many connections this listener has accepted (places their handshakes). */
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Makes the listening side.
     *
     * @param transport the TLS transport, for the accepted sockets
     * @param sock the listening underlying socket
     * @param config the server config of accepted connections
     */
    TlsListener(TlsTransport transport, Sock sock, TlsConfig config) {
        this.transport = transport;
        this.sock = sock;
        this.config = config;
        this.places = new Semaphore(config.maxHandshakes() + config.maxQueuedHandshakes());
    }

    /**
     * Waits while the handshake queue is full, then accepts one connection and queues its server
     * handshake, which starts as soon as a handshake slot is free.
     *
     * @param ms the longest wait in all, -1 for ever
     * @return the connection's socket, or null on error or timeout (the error is set)
     */
    Sock accept(int ms) {
        Deadline deadline = Deadline.after(ms);
        if (!takePlace(deadline)) {
            return null;
        }
        boolean placePassedOn = false;
        try {
            if (closed) {
                Errors.fail(Errno.EBADF, null);
                return null;
            }
            Sock c = sock.accept(deadline.remainingMillis());
            if (c == null) {
                return null;
            }
            TlsConnection connection;
            try {
                connection = new TlsConnection(c, config, false, null, -1);
            } catch (RuntimeException e) {
                c.close();
                Errors.fail(Errno.EINVAL, "TLS: " + e.getMessage());
                return null;
            }
            connection.holdForAdmission();
            placePassedOn = true;
            queue.add(new Queued(connection, CoContext.current().runtime(), accepted.getAndIncrement()));
            startQueued();
            return TlsSocket.accepted(transport, c, connection);
        } finally {
            if (!placePassedOn) {
                places.release();
            }
        }
    }

    /** Takes a place for one more connection before {@code deadline}; false with the error set if none came. */
    private boolean takePlace(Deadline deadline) {
        if (places.tryAcquire()) {
            return true;
        }
        boolean interrupted = false;
        try {
            for (;;) {
                if (closed) {
                    Errors.fail(Errno.EBADF, null);
                    return false;
                }
                long wait = deadline.remainingNanos();
                if (wait <= 0) {
                    CoContext.current().setTimedOut();
                    return false;
                }
                try {
                    // A coroutine parks here (it is a virtual thread); its scheduler goes on serving.
                    if (places.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                        if (closed) {
                            places.release();
                            continue;
                        }
                        return true;
                    }
                } catch (InterruptedException e) {
                    // co calls are not interruptible; keep the interrupt for the caller.
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts the queued handshakes the free slots allow. Runs after every change that can allow one
     * (a connection queued, a handshake ended), so a queued connection never waits while a slot is
     * free. Connections closed while they waited give their place back without a handshake.
     */
    private void startQueued() {
        int max = config.maxHandshakes();
        for (;;) {
            int r = running.get();
            if (r >= max || queue.isEmpty()) {
                return;
            }
            if (!running.compareAndSet(r, r + 1)) {
                continue;
            }
            Queued q = queue.poll();
            if (q == null) {
                // Another caller took it; give the slot back and look again.
                running.decrementAndGet();
                continue;
            }
            if (!q.connection().isOpen() || !handshakeInBackground(q)) {
                // Closed while it waited, or the runtime is stopping (then the connection's first
                // recv or send runs the handshake): the slot and the place go back at once.
                q.connection().admit();
                running.decrementAndGet();
                places.release();
            }
        }
    }

    /**
     * Runs the server handshake of an admitted connection in its own coroutine, so that it neither
     * holds up the accept loop nor waits for the application's first recv: a client's connect
     * completes even if the server only sends later. The first recv or send waits for it; a failure
     * is kept and reported there. The slot and the place go back when the handshake ends.
     *
     * @return false if the handshake could not be started (the runtime is stopping)
     */
    private boolean handshakeInBackground(Queued q) {
        TlsConnection connection = q.connection();
        Runnable task = () -> {
            try {
                connection.admit();
                connection.handshake(Deadline.NONE);
            } finally {
                handshakeEnded();
            }
        };
        // Handshakes are CPU work (signatures, key exchange): spread them over the schedulers rather
        // than piling them on the accept loop's scheduler. Round-robin per listener, not through the
        // runtime's nextScheduler(): an accept loop that starts one handler per connection with
        // Co.go takes every other turn of that shared counter, so on two schedulers all handshakes
        // would land on one of them and all handlers on the other (measured: the handshake rate
        // fell to one core's).
        CoRuntime runtime = q.runtime();
        try {
            if (runtime != null) {
                List<Scheduler> all = runtime.schedulers();
                all.get((q.nth() & Integer.MAX_VALUE) % all.size()).go(task);
            } else {
                Thread.ofVirtual().name("co-tls-handshake").start(task);
            }
            return true;
        } catch (RuntimeException stopped) {
            return false;
        }
    }

    private void handshakeEnded() {
        running.decrementAndGet();
        places.release();
        startQueued();
    }

    /**
     * Closes the listener; acceptors waiting for a place wake with {@link Errno#EBADF}. Connections
     * already accepted are the application's: their queued handshakes still run.
     */
    void close() {
        closed = true;
        sock.close();
        places.release(WAKE_ALL);
    }
}
