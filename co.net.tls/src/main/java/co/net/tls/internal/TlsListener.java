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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listening side of a TLS socket: accepts connections of the underlying listener and starts
 * their server handshakes, at most {@link TlsConfig#maxHandshakes()} at a time.
 *
 * <p><b>Admission.</b> A handshake costs milliseconds of CPU (signature, key exchange), so a burst of
 * connections (every client of a restarted server at once) cannot all handshake at the same time:
 * those admitted would wait for CPU behind each other. So {@code accept} takes a handshake slot before
 * it takes a connection from the underlying listener, and waits for one while all are in use; the
 * connections that arrive meanwhile wait in the kernel's listen backlog, where no timer of this
 * process runs for them, and clients see a slow connect, not a dropped one. A slot is given back
 * when the handshake ends (done, failed or timed out), which {@link TlsConfig#handshakeTimeoutMs()}
 * bounds.
 *
 * <p>Thread safety: {@link #accept} and {@link #close} may be called from any coroutine or thread.
 */
final class TlsListener {

    /** Enough permits to wake every waiting acceptor once the listener is closed. */
    private static final int WAKE_ALL = Integer.MAX_VALUE / 2;

    private final TlsTransport transport;
    private final Sock sock;
    private final TlsConfig config;
    private final Semaphore handshakeSlots;
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
        this.handshakeSlots = new Semaphore(config.maxHandshakes());
    }

    /**
     * Waits for a handshake slot, then accepts one connection and starts its server handshake.
     *
     * @param ms the longest wait in all, -1 for ever
     * @return the connection's socket, or null on error or timeout (the error is set)
     */
    Sock accept(int ms) {
        Deadline deadline = Deadline.after(ms);
        if (!takeSlot(deadline)) {
            return null;
        }
        boolean slotPassedOn = false;
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
            slotPassedOn = true;
            handshakeInBackground(connection, accepted.getAndIncrement());
            return TlsSocket.accepted(transport, c, connection);
        } finally {
            if (!slotPassedOn) {
                handshakeSlots.release();
            }
        }
    }

    /** Takes a handshake slot before {@code deadline}; false with the error set if none came. */
    private boolean takeSlot(Deadline deadline) {
        if (handshakeSlots.tryAcquire()) {
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
                    if (handshakeSlots.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                        if (closed) {
                            handshakeSlots.release();
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
     * Starts the server handshake at once in its own coroutine, so that it neither holds up the
     * accept loop nor waits for the application's first recv: a client's connect completes even if
     * the server only sends later. The first recv or send waits for it; a failure is kept and
     * reported there. The slot goes back when the handshake ends.
     *
     * @param nth how many connections the listener accepted before this one
     */
    private void handshakeInBackground(TlsConnection connection, int nth) {
        Runnable task = () -> {
            try {
                connection.handshake(Deadline.NONE);
            } finally {
                handshakeSlots.release();
            }
        };
        // Handshakes are CPU work (signatures, key exchange): spread them over the schedulers rather
        // than piling them on the accept loop's scheduler. Round-robin per listener, not through the
        // runtime's nextScheduler(): an accept loop that starts one handler per connection with
        // Co.go takes every other turn of that shared counter, so on two schedulers all handshakes
        // would land on one of them and all handlers on the other (measured: the handshake rate
        // fell to one core's).
        CoRuntime runtime = CoContext.current().runtime();
        try {
            if (runtime != null) {
                List<Scheduler> all = runtime.schedulers();
                all.get((nth & Integer.MAX_VALUE) % all.size()).go(task);
            } else {
                Thread.ofVirtual().name("co-tls-handshake").start(task);
            }
        } catch (RuntimeException stopped) {
            // The runtime is stopping: the handshake happens on the first recv or send instead.
            handshakeSlots.release();
        }
    }

    /** Closes the listener; acceptors waiting for a slot wake with {@link Errno#EBADF}. */
    void close() {
        closed = true;
        sock.close();
        handshakeSlots.release(WAKE_ALL);
    }
}
