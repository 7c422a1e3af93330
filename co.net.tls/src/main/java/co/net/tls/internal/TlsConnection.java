package co.net.tls.internal;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.spi.CoContext;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.net.tls.TlsConfig;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * One TLS connection: an {@link SSLEngine} driven over a connected stream {@link Sock}. Made by
 * {@link TlsSocket} on connect, by {@link TlsListener} on accept, or around a socket that is already
 * connected; it holds only what the connection needs (its engine, its config, its buffers).
 *
 * <p><b>Locks.</b> {@link ReentrantLock}s (they park a coroutine, never its carrier):
 * {@code readLock} guards the inbound side ({@code inbound}, unwrap) and is held across reads of the
 * underlying socket; {@code writeLock} is held by whoever writes records to the underlying socket;
 * {@link Outbound}'s own lock guards wrap and the record queue and is never held across I/O. The
 * initial handshake holds {@code handshakeLock}, {@code readLock} and {@code writeLock} (always in
 * that order); recv and send take {@code handshakeLock} only until the handshake is done. After it, a
 * reader that must answer with records (TLS 1.3 KeyUpdate, a TLS 1.2 close_notify reply) only queues
 * them and writes them if {@code writeLock} is free; otherwise the writer holding it sends them. So a
 * reader never waits for a writer, and recv and send run in full duplex.
 *
 * <p><b>Handshake timeout.</b> {@link TlsConfig#handshakeTimeoutMs()} bounds the time the handshake
 * spends waiting for the peer (in the underlying {@code recv} and {@code send}), added up; time spent
 * on this side (delegated tasks, waiting for a scheduler) does not count. See
 * {@link TlsConfig.Builder#handshakeTimeout(int)}.
 *
 * <p><b>Admission.</b> A connection a {@link TlsListener} accepted may have to wait for its turn to
 * handshake ({@link TlsConfig#maxHandshakes()}). Until the listener admits it, the handshake does not
 * begin: a recv, send or handshake call waits for the admission within its own {@code ms} (that wait
 * is not peer silence and does not count against the handshake timeout). Closing the connection
 * ends the wait.
 *
 * <p>Size: a little over 450 lines, kept in one class on purpose: the handshake, recv, send and
 * close paths share the lock order above and the failure state, and split apart each would have to
 * restate them. The buffers ({@link Inbound}, {@link Outbound}) and the task hand-off
 * ({@link DelegatedTasks}) already live apart.
 *
 * <p>Thread safety: every method may be called from any coroutine or thread.
 */
final class TlsConnection {

    private static final long NANOS_PER_MILLI = 1_000_000L;
    /**
     * The longest a failing connection waits to send its alert: a failure is reported at once, and
     * an alert that cannot go out in this time is not worth holding the caller.
     */
    private static final int ALERT_FLUSH_MS = 100;
    private static final String PEER_CLOSED_IN_HANDSHAKE =
            "TLS handshake failed: the peer closed the connection during the handshake";

    private final Sock sock;
    private final TlsConfig config;
    private final boolean client;
    private final SSLEngine engine;
    private final Outbound outbound;
    /** Guarded by readLock (and, during the handshake, by writeLock too). */
    private final Inbound inbound;

    private final ReentrantLock handshakeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Read without locks by any caller; written once each (false -> true, null -> failure).
    private volatile boolean handshakeDone;
    private volatile Failure failure;
    private volatile boolean readShutdown;

    /**
     * Closed while a listener keeps this connection queued for a handshake slot; null once admitted
     * (or for connections that never queue).
     */
    private volatile CountDownLatch admission;

    // Guarded by handshakeLock.
    private boolean handshakeBegun;
    /** What is left of the handshake's budget of waiting for the peer. */
    private long peerWaitLeftNanos;

    /**
     * Makes the connection; the handshake has not begun.
     *
     * @param sock the connected underlying socket
     * @param config the config of this side
     * @param client the role
     * @param host the peer's host name (client: checked and sent as SNI), or null
     * @param port the peer's port, or -1
     * @throws IllegalArgumentException if the config names unsupported protocols or suites
     */
    TlsConnection(Sock sock, TlsConfig config, boolean client, String host, int port) {
        this.sock = sock;
        this.config = config;
        this.client = client;
        this.engine = Engines.create(config, client, host, port);
        this.inbound = new Inbound(engine.getSession().getPacketBufferSize());
        this.outbound = new Outbound(engine, sock);
    }

    boolean client() {
        return client;
    }

    // ------------------------------------------------------------------ admission

    /**
     * Holds the handshake back until {@link #admit()}: called by a listener that queues this
     * connection for a handshake slot, before the connection is published.
     */
    void holdForAdmission() {
        admission = new CountDownLatch(1);
    }

    /** Lets the handshake begin: the listener gave this connection a slot, or it was closed. */
    void admit() {
        CountDownLatch a = admission;
        if (a != null) {
            admission = null;
            a.countDown();
        }
    }

    /** Waits until the listener admits this connection; false with the error set on timeout. */
    private boolean awaitAdmission(CountDownLatch gate, Deadline callDeadline) {
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    // A coroutine parks here (it is a virtual thread); its scheduler goes on serving.
                    if (callDeadline.isNone()) {
                        gate.await();
                        return true;
                    }
                    long wait = callDeadline.remainingNanos();
                    if (wait > 0 && gate.await(wait, TimeUnit.NANOSECONDS)) {
                        return true;
                    }
                    CoContext.current().setTimedOut();
                    return false;
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

    // ------------------------------------------------------------------ errors and time

    private static int ceilMillis(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        long ms = (nanos + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
        return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
    }

    private static int error(int errno, String detail) {
        return Errors.fail(errno, detail);
    }

    /** Reports why the connection cannot be used, or 0 if it can. */
    private int unusable() {
        Failure f = failure;
        if (f != null) {
            return error(f.errno(), f.detail());
        }
        if (closed.get()) {
            return error(Errno.EBADF, null);
        }
        return 0;
    }

    /**
     * Fails the connection for good: records the reason, sends the engine's alert if the write side
     * is free, closes the underlying socket (which wakes any other coroutine blocked on it).
     */
    private int fail(int errno, String detail) {
        if (failure == null) {
            failure = new Failure(errno, detail);
        }
        Failure f = failure;
        admit();
        if (writeLock.tryLock()) {
            try {
                outbound.queueClose();
                outbound.flush(Math.min(config.closeNotifyTimeoutMs(), ALERT_FLUSH_MS));
            } finally {
                writeLock.unlock();
            }
        }
        sock.close();
        return error(f.errno(), f.detail());
    }

    private int failTls(Exception e) {
        String what = handshakeDone ? "TLS error: " : "TLS handshake failed: ";
        String message = e instanceof SSLException ? e.getMessage() : e.toString();
        return fail(Errno.EPROTO, what + message);
    }

    /** After an underlying call returned -1: keeps its error unless the connection has failed. */
    private int ioFailed() {
        Failure f = failure;
        if (f != null) {
            return error(f.errno(), f.detail());
        }
        return -1;
    }

    // ------------------------------------------------------------------ handshake

    /**
     * Runs the handshake if it is not done, waiting at most until {@code callDeadline}.
     *
     * @param callDeadline the caller's deadline
     * @return 0 once done, -1 on failure or timeout (the error is set)
     */
    int handshake(Deadline callDeadline) {
        if (handshakeDone) {
            return 0;
        }
        if (unusable() < 0) {
            return -1;
        }
        CountDownLatch gate = admission;
        if (gate != null && (!awaitAdmission(gate, callDeadline) || unusable() < 0)) {
            return -1;
        }
        // Callers queue on handshakeLock, not on readLock: once the handshake is done a reader may
        // hold readLock for a long time, and a sender that only wants to learn "done" must not wait
        // for it. readLock and writeLock are free during the handshake but for moments (close, fail).
        handshakeLock.lock();
        try {
            if (handshakeDone) {
                return 0;
            }
            readLock.lock();
            try {
                writeLock.lock();
                try {
                    return doHandshake(callDeadline);
                } finally {
                    writeLock.unlock();
                }
            } finally {
                readLock.unlock();
            }
        } finally {
            handshakeLock.unlock();
        }
    }

    /** Runs the handshake to its end; all three locks held. */
    private int doHandshake(Deadline callDeadline) {
        if (unusable() < 0) {
            return -1;
        }
        try {
            if (!handshakeBegun) {
                handshakeBegun = true;
                peerWaitLeftNanos = config.handshakeTimeoutMs() * NANOS_PER_MILLI;
                DelegatedTasks.begin(engine);
            }
            for (;;) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                Want want = switch (hs) {
                    case NOT_HANDSHAKING, FINISHED -> null;
                    case NEED_TASK -> Want.TASK;
                    case NEED_WRAP -> outbound.wrapHandshake();
                    default -> inbound.unwrap(engine);
                };
                if (want == null) {
                    handshakeDone = true;
                    return 0;
                }
                if (inbound.closed()) {
                    return fail(Errno.EPROTO, PEER_CLOSED_IN_HANDSHAKE);
                }
                switch (want) {
                    case TASK -> DelegatedTasks.run(engine);
                    case WRITE -> {
                        int wait = peerWait(callDeadline);
                        long start = System.nanoTime();
                        int r = outbound.flush(wait);
                        peerWaitLeftNanos -= System.nanoTime() - start;
                        if (r < 0) {
                            return handshakeWaitFailed();
                        }
                    }
                    case READ -> {
                        int wait = peerWait(callDeadline);
                        long start = System.nanoTime();
                        int n = inbound.fill(sock, wait);
                        peerWaitLeftNanos -= System.nanoTime() - start;
                        if (n < 0 && budgetRanOut()) {
                            // The measured wait includes this side's own lag between the bytes'
                            // arrival and this coroutine's turn (a CPU-starved server in a storm):
                            // before blaming the peer, take what has arrived without waiting.
                            n = inbound.fill(sock, 0);
                        }
                        if (n < 0) {
                            return handshakeWaitFailed();
                        }
                        if (n == 0) {
                            return fail(Errno.EPROTO, PEER_CLOSED_IN_HANDSHAKE);
                        }
                    }
                    default -> {
                        // progress: look at the engine again
                    }
                }
            }
        } catch (SSLException | RuntimeException ex) {
            // An engine bug surfacing as a RuntimeException on hostile input is a protocol failure too:
            // co calls report errors, they do not throw.
            return failTls(ex);
        }
    }

    /** The longest the next wait for the peer may take: the call's time and the handshake's budget. */
    private int peerWait(Deadline callDeadline) {
        int budget = ceilMillis(peerWaitLeftNanos);
        int call = callDeadline.remainingMillis();
        return call < 0 ? budget : Math.min(call, budget);
    }

    /** After a wait for the peer returned -1: tells whether it used up the handshake's budget. */
    private boolean budgetRanOut() {
        return failure == null && Co.timeout() && peerWaitLeftNanos < NANOS_PER_MILLI;
    }

    /**
     * After a wait for the peer returned -1: a timeout that used up the handshake's budget fails the
     * connection; one that only ended the caller's own time leaves the handshake to go on later.
     */
    private int handshakeWaitFailed() {
        if (budgetRanOut()) {
            return fail(Errno.ETIMEDOUT, "TLS handshake timed out after " + config.handshakeTimeoutMs()
                    + " ms of waiting for the peer");
        }
        return ioFailed();
    }

    SSLSession session() {
        return handshakeDone ? engine.getSession() : null;
    }

    String applicationProtocol() {
        if (!handshakeDone) {
            return null;
        }
        String p = engine.getApplicationProtocol();
        return p == null ? "" : p;
    }

    // ------------------------------------------------------------------ data

    int recv(ByteBuffer buf, int ms) {
        Deadline dl = Deadline.after(ms);
        if (unusable() < 0 || handshake(dl) < 0) {
            return -1;
        }
        readLock.lock();
        try {
            for (;;) {
                if (inbound.hasData()) {
                    return inbound.take(buf);
                }
                if (unusable() < 0) {
                    return -1;
                }
                if (readShutdown || inbound.closed()) {
                    return 0;
                }
                Want want;
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
                    if (!isTls13() && !outbound.closed()) {
                        return fail(Errno.EPROTO, "TLS error: renegotiation refused");
                    }
                    // A TLS 1.3 post-handshake message (KeyUpdate) needs an answer.
                    want = hs == HandshakeStatus.NEED_TASK ? Want.TASK : outbound.wrapHandshake();
                } else {
                    if (buf.remaining() >= engine.getSession().getApplicationBufferSize()) {
                        int n = inbound.unwrapDirect(engine, buf);
                        if (n > 0) {
                            return n;
                        }
                    }
                    want = inbound.unwrap(engine);
                    if (inbound.closed()) {
                        // close_notify received: TLS 1.2 wants one back; queue it and try to send it.
                        outbound.queueCloseReply();
                        want = Want.WRITE;
                    }
                }
                switch (want) {
                    case TASK -> DelegatedTasks.run(engine);
                    case WRITE -> flushIfFree();
                    case READ -> {
                        int n = inbound.fill(sock, dl.remainingMillis());
                        if (n < 0) {
                            return ioFailed();
                        }
                        if (n == 0) {
                            // An abortive close: as a TCP reset, never as a clean end of stream.
                            return fail(Errno.ECONNRESET,
                                    "TLS: the peer closed the connection without close_notify (truncation)");
                        }
                    }
                    default -> {
                        // progress: look again
                    }
                }
            }
        } catch (SSLException | RuntimeException ex) {
            return failTls(ex);
        } finally {
            readLock.unlock();
        }
    }

    private boolean isTls13() {
        return "TLSv1.3".equals(engine.getSession().getProtocol());
    }

    /** Writes queued records if no writer holds the write side; never waits for one. */
    private void flushIfFree() {
        while (outbound.hasQueued() && writeLock.tryLock()) {
            boolean sent;
            try {
                sent = quietFlush(0);
            } finally {
                writeLock.unlock();
            }
            if (!sent) {
                return;
            }
        }
    }

    /** Flushes without disturbing the caller's error state; true if the queue emptied. */
    private boolean quietFlush(int ms) {
        CoContext ctx = CoContext.current();
        int err = ctx.error();
        String detail = ctx.detail();
        boolean timedOut = ctx.timeout();
        int r = outbound.flush(ms);
        ctx.setError(err, detail);
        if (!timedOut) {
            ctx.clearTimeout();
        }
        return r >= 0;
    }

    int send(ByteBuffer buf, int ms) {
        int want = buf.remaining();
        Deadline dl = Deadline.after(ms);
        if (unusable() < 0 || handshake(dl) < 0) {
            return -1;
        }
        writeLock.lock();
        try {
            if (outbound.flush(dl.remainingMillis()) < 0) {
                return ioFailed();
            }
            while (buf.hasRemaining()) {
                if (unusable() < 0) {
                    return -1;
                }
                if (outbound.closed()) {
                    return error(Errno.EPIPE, "TLS: close_notify already sent");
                }
                Want w = outbound.wrapData(buf);
                if (w == Want.TASK) {
                    DelegatedTasks.run(engine);
                }
                if (outbound.flush(dl.remainingMillis()) < 0) {
                    return ioFailed();
                }
            }
            return want;
        } catch (SSLException | RuntimeException ex) {
            return failTls(ex);
        } finally {
            writeLock.unlock();
            // A reader may have queued records while this writer held the lock.
            flushIfFree();
        }
    }

    // ------------------------------------------------------------------ closing

    /** Tells whether the connection is still usable (not closed, not failed). */
    boolean isOpen() {
        return !closed.get() && failure == null && sock.isOpen();
    }

    /** Sends close_notify if it can go within the config's time, then closes the underlying socket. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        admit();
        int ms = config.closeNotifyTimeoutMs();
        if (handshakeDone && failure == null && ms > 0 && writeLock.tryLock()) {
            try {
                outbound.queueClose();
                quietFlush(ms);
            } finally {
                writeLock.unlock();
            }
        }
        sock.close();
    }

    int shutdown(char how) {
        if (unusable() < 0) {
            return -1;
        }
        if (how == 'r' || how == 'b') {
            // recv returns 0 from now on; a reader blocked in the underlying recv wakes through its
            // shutdown.
            readShutdown = true;
        }
        if ((how == 'w' || how == 'b') && handshakeDone) {
            writeLock.lock();
            try {
                outbound.queueClose();
                if (outbound.flush(config.closeNotifyTimeoutMs()) < 0) {
                    return -1;
                }
            } finally {
                writeLock.unlock();
            }
        }
        return sock.shutdown(how);
    }

    /** Closes with an RST and no close_notify. */
    int reset(int ms) {
        closed.set(true);
        admit();
        return sock.reset(ms);
    }
}
