package co.net.tls.internal;

import co.api.Co;
import co.api.Errno;
import co.api.Scheduler;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.net.tls.TlsConfig;
import co.net.tls.TlsSock;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A TLS {@link Sock}: drives an {@link SSLEngine} over any stream {@link Sock}.
 *
 * <p><b>Locks.</b> {@link ReentrantLock}s (they park a coroutine, never its carrier):
 * {@code readLock} guards the inbound side ({@code netIn}, {@code appIn}, unwrap) and is held across
 * reads of the underlying socket; {@code writeLock} is held by whoever writes records to the
 * underlying socket; {@link Outbound}'s own lock guards wrap and the record queue and is never held
 * across I/O. The initial handshake holds {@code handshakeLock}, {@code readLock} and
 * {@code writeLock} (always in that order); recv and send take {@code handshakeLock} only until the
 * handshake is done. After it, a reader that must answer with records (TLS 1.3 KeyUpdate, a TLS 1.2
 * close_notify reply) only queues them and writes them if {@code writeLock} is free; otherwise the
 * writer holding it sends them. So a reader never waits for a writer, and recv and send run in full
 * duplex.
 */
public final class TlsSocket implements TlsSock {

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Transport transport;
    private final Sock sock;
    private final TlsConfig serverConfig;
    private final TlsConfig clientConfig;

    private final ReentrantLock handshakeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** On a listener: how many connections it has accepted (places their background handshakes). */
    private final AtomicInteger accepted = new AtomicInteger();

    // Written once, before the socket is shared (connect, accept or wrap), read under the locks.
    private volatile SSLEngine engine;
    private volatile Outbound outbound;
    private volatile boolean client;
    private volatile boolean handshakeDone;
    private volatile Failure failure;

    // Guarded by readLock (and, during the handshake, by writeLock too).
    private Inbound inbound;
    private long handshakeDeadline;
    private volatile boolean readShutdown;

    private TlsSocket(Transport transport, Sock sock, TlsConfig serverConfig, TlsConfig clientConfig) {
        this.transport = transport;
        this.sock = sock;
        this.serverConfig = serverConfig;
        this.clientConfig = clientConfig;
    }

    /**
     * An unconnected TLS socket over {@code sock}: {@code connect} makes it a client, {@code accept}
     * on it (once listening) yields servers.
     *
     * @param transport the TLS transport
     * @param sock an unconnected stream socket
     * @param serverConfig config for accepted sockets
     * @param clientConfig config for connect
     * @return the socket
     */
    static TlsSocket unconnected(Transport transport, Sock sock, TlsConfig serverConfig, TlsConfig clientConfig) {
        return new TlsSocket(transport, sock, serverConfig, clientConfig);
    }

    /**
     * A TLS socket over an already connected socket.
     *
     * @param transport the TLS transport, or null for a stand-alone socket
     * @param sock the connected socket
     * @param config the config of this side
     * @param client the role
     * @return the socket, handshake not begun
     */
    public static TlsSocket wrap(Transport transport, Sock sock, TlsConfig config, boolean client) {
        TlsSocket s = new TlsSocket(transport, sock, config, config);
        String host = null;
        int port = -1;
        if (client) {
            SocketAddress remote = sock.remoteAddress();
            if (remote instanceof InetSocketAddress isa) {
                host = isa.getHostString();
                port = isa.getPort();
            }
            if (config.serverName() != null) {
                host = config.serverName();
            }
        }
        s.start(config, client, host, port);
        return s;
    }

    private void start(TlsConfig config, boolean asClient, String host, int port) {
        SSLEngine e = Engines.create(config, asClient, host, port);
        SSLSession session = e.getSession();
        this.inbound = new Inbound(session.getPacketBufferSize(), session.getApplicationBufferSize());
        this.outbound = new Outbound(e, sock);
        this.client = asClient;
        this.engine = e;
    }

    private TlsConfig config() {
        return client ? clientConfig : serverConfig;
    }

    // ------------------------------------------------------------------ errors and time

    private static long deadline(int ms) {
        return ms < 0 ? NO_DEADLINE : System.nanoTime() + ms * 1_000_000L;
    }

    /** Milliseconds left until {@code deadline}: -1 for none, 0 once passed. */
    private static int left(long deadline) {
        if (deadline == NO_DEADLINE) {
            return -1;
        }
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            return 0;
        }
        long ms = (nanos + 999_999) / 1_000_000;
        return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
    }

    private static int error(int errno, String detail) {
        CoContext.current().setError(errno, detail);
        return -1;
    }

    /** Reports why the socket cannot be used, or 0 if it can. */
    private int unusable() {
        Failure f = failure;
        if (f != null) {
            return error(f.errno(), f.detail());
        }
        if (closed.get()) {
            return error(Errno.EBADF, null);
        }
        if (engine == null) {
            return error(Errno.ENOTCONN, null);
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
        Outbound out = outbound;
        if (out != null && writeLock.tryLock()) {
            try {
                out.queueClose();
                out.flush(Math.min(config().closeNotifyTimeoutMs(), 100));
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

    /**
     * After an underlying call returned -1: keeps its error unless the connection has failed or a
     * passed handshake deadline makes the timeout fatal.
     */
    private int ioFailed() {
        Failure f = failure;
        if (f != null) {
            return error(f.errno(), f.detail());
        }
        if (!handshakeDone && Co.timeout() && System.nanoTime() - handshakeDeadline >= 0) {
            return fail(Errno.ETIMEDOUT, "TLS handshake timed out after " + config().handshakeTimeoutMs() + " ms");
        }
        return -1;
    }

    // ------------------------------------------------------------------ handshake

    @Override
    public int handshake(int ms) {
        CoContext.current().clearTimeout();
        return ensureHandshake(deadline(ms));
    }

    private int ensureHandshake(long callDeadline) {
        if (handshakeDone) {
            return 0;
        }
        if (unusable() < 0) {
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

    /** Runs the handshake to its end; both locks held. */
    private int doHandshake(long callDeadline) {
        if (handshakeDone) {
            return 0;
        }
        if (unusable() < 0) {
            return -1;
        }
        SSLEngine e = engine;
        try {
            if (handshakeDeadline == 0) {
                handshakeDeadline = System.nanoTime() + config().handshakeTimeoutMs() * 1_000_000L;
                DelegatedTasks.begin(e);
            }
            long dl = Math.min(callDeadline, handshakeDeadline);
            for (;;) {
                HandshakeStatus hs = e.getHandshakeStatus();
                Want want = switch (hs) {
                    case NOT_HANDSHAKING, FINISHED -> null;
                    case NEED_TASK -> Want.TASK;
                    case NEED_WRAP -> outbound.wrapHandshake();
                    default -> inbound.unwrap(e);
                };
                if (want == null) {
                    handshakeDone = true;
                    return 0;
                }
                if (inbound.closed()) {
                    return fail(Errno.EPROTO, "TLS handshake failed: the peer closed the connection during the handshake");
                }
                switch (want) {
                    case TASK -> runTasks(e);
                    case WRITE -> {
                        if (outbound.flush(left(dl)) < 0) {
                            return ioFailed();
                        }
                    }
                    case READ -> {
                        int n = inbound.fill(sock, left(dl));
                        if (n < 0) {
                            return ioFailed();
                        }
                        if (n == 0) {
                            return fail(Errno.EPROTO,
                                    "TLS handshake failed: the peer closed the connection during the handshake");
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

    private static void runTasks(SSLEngine e) {
        // Delegated tasks (certificate checks, key exchange): inline, or handed to a pool thread.
        DelegatedTasks.run(e);
    }

    @Override
    public SSLSession session() {
        return handshakeDone ? engine.getSession() : null;
    }

    @Override
    public String applicationProtocol() {
        if (!handshakeDone) {
            return null;
        }
        String p = engine.getApplicationProtocol();
        return p == null ? "" : p;
    }

    @Override
    public Sock underlying() {
        return sock;
    }

    // ------------------------------------------------------------------ data

    @Override
    public int recv(ByteBuffer buf, int ms) {
        CoContext.current().clearTimeout();
        if (!buf.hasRemaining()) {
            return 0;
        }
        long dl = deadline(ms);
        if (unusable() < 0 || ensureHandshake(dl) < 0) {
            return -1;
        }
        readLock.lock();
        try {
            SSLEngine e = engine;
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
                HandshakeStatus hs = e.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
                    if (!isTls13(e) && !outbound.closed()) {
                        return fail(Errno.EPROTO, "TLS error: renegotiation refused");
                    }
                    // A TLS 1.3 post-handshake message (KeyUpdate) needs an answer.
                    want = hs == HandshakeStatus.NEED_TASK ? Want.TASK : outbound.wrapHandshake();
                } else {
                    if (buf.remaining() >= e.getSession().getApplicationBufferSize()) {
                        int n = inbound.unwrapDirect(e, buf);
                        if (n > 0) {
                            return n;
                        }
                    }
                    want = inbound.unwrap(e);
                    if (inbound.closed()) {
                        // close_notify received: TLS 1.2 wants one back; queue it and try to send it.
                        outbound.queueCloseReply();
                        want = Want.WRITE;
                    }
                }
                switch (want) {
                    case TASK -> runTasks(e);
                    case WRITE -> flushIfFree();
                    case READ -> {
                        int n = inbound.fill(sock, left(dl));
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
            // An engine bug surfacing as a RuntimeException on hostile input is a protocol failure too:
            // co calls report errors, they do not throw.
            return failTls(ex);
        } finally {
            readLock.unlock();
        }
    }

    private static boolean isTls13(SSLEngine e) {
        return "TLSv1.3".equals(e.getSession().getProtocol());
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

    @Override
    public int send(ByteBuffer buf, int ms) {
        CoContext.current().clearTimeout();
        int want = buf.remaining();
        if (want == 0) {
            return 0;
        }
        long dl = deadline(ms);
        if (unusable() < 0 || ensureHandshake(dl) < 0) {
            return -1;
        }
        writeLock.lock();
        try {
            if (outbound.flush(left(dl)) < 0) {
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
                    runTasks(engine);
                }
                if (outbound.flush(left(dl)) < 0) {
                    return ioFailed();
                }
            }
            return want;
        } catch (SSLException | RuntimeException ex) {
            // An engine bug surfacing as a RuntimeException on hostile input is a protocol failure too:
            // co calls report errors, they do not throw.
            return failTls(ex);
        } finally {
            writeLock.unlock();
            // A reader may have queued records while this writer held the lock.
            flushIfFree();
        }
    }

    @Override
    public SocketAddress recvfrom(ByteBuffer buf, int ms) {
        // As on every transport (co.api.Sock): recv that names the peer, also at end of stream.
        if (recv(buf, ms) < 0) {
            return null;
        }
        CoContext.current().setError(Errno.OK);
        return sock.remoteAddress();
    }

    @Override
    public int sendto(ByteBuffer buf, SocketAddress to, int ms) {
        if (to != null) {
            return error(Errno.EISCONN, "TLS sockets are connected streams: use send");
        }
        return send(buf, ms);
    }

    // ------------------------------------------------------------------ set-up

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public Type type() {
        return Type.STREAM;
    }

    @Override
    public int bind(SocketAddress local) {
        return sock.bind(local);
    }

    @Override
    public int listen(int backlog) {
        return sock.listen(backlog);
    }

    @Override
    public Sock accept(int ms) {
        if (closed.get()) {
            error(Errno.EBADF, null);
            return null;
        }
        Sock c = sock.accept(ms);
        if (c == null) {
            return null;
        }
        TlsSocket s = new TlsSocket(transport, c, serverConfig, clientConfig);
        try {
            s.start(serverConfig, false, null, -1);
        } catch (RuntimeException e) {
            c.close();
            error(Errno.EINVAL, "TLS: " + e.getMessage());
            return null;
        }
        s.handshakeInBackground(accepted.getAndIncrement());
        return s;
    }

    /**
     * Starts the server handshake at once in its own coroutine on the runtime's next scheduler (a
     * virtual thread outside coroutines), so that it neither holds up the accept loop nor waits for the
     * application's first recv: a client's connect completes even if the server only sends later.
     * The first recv or send waits for it; a failure is kept and reported there.
     *
     * @param nth how many connections the listener accepted before this one
     */
    private void handshakeInBackground(int nth) {
        Runnable task = () -> {
            ensureHandshake(NO_DEADLINE);
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
            // the runtime is stopping: the handshake happens on the first recv or send instead
        }
    }

    @Override
    public int connect(SocketAddress remote, int ms) {
        CoContext.current().clearTimeout();
        if (engine != null) {
            return error(Errno.EISCONN, null);
        }
        if (closed.get()) {
            return error(Errno.EBADF, null);
        }
        String host = clientConfig.serverName();
        int port = -1;
        if (remote instanceof InetSocketAddress isa) {
            port = isa.getPort();
            if (host == null) {
                host = isa.getHostString();
            }
            if (isa.isUnresolved()) {
                remote = new InetSocketAddress(isa.getHostString(), isa.getPort());
            }
        }
        if (host == null && clientConfig.verifyHostname()) {
            return error(Errno.EINVAL, "TLS: no host name to verify for " + remote
                    + "; set TlsConfig.serverName, or verifyHostname(false)");
        }
        long dl = deadline(ms);
        if (sock.connect(remote, ms) < 0) {
            return -1;
        }
        try {
            start(clientConfig, true, host, port);
        } catch (RuntimeException e) {
            sock.close();
            return error(Errno.EINVAL, "TLS: " + e.getMessage());
        }
        return ensureHandshake(dl);
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Outbound out = outbound;
        int ms = out == null ? 0 : config().closeNotifyTimeoutMs();
        if (out != null && handshakeDone && failure == null && ms > 0 && writeLock.tryLock()) {
            try {
                out.queueClose();
                quietFlush(ms);
            } finally {
                writeLock.unlock();
            }
        }
        sock.close();
    }

    @Override
    public int close(int ms) {
        if (closed.get()) {
            return error(Errno.EBADF, "socket already closed");      // as on every transport
        }
        if (ms > 0) {
            Co.sleep(ms);
        }
        close();
        return 0;
    }

    @Override
    public int shutdown(char how) {
        if (how != 'r' && how != 'w' && how != 'b') {
            return error(Errno.EINVAL, null);
        }
        if (unusable() < 0) {
            return -1;
        }
        if (how == 'r' || how == 'b') {
            readShutdownAll();
        }
        if ((how == 'w' || how == 'b') && handshakeDone) {
            writeLock.lock();
            try {
                outbound.queueClose();
                if (outbound.flush(config().closeNotifyTimeoutMs()) < 0) {
                    return -1;
                }
            } finally {
                writeLock.unlock();
            }
        }
        return sock.shutdown(how);
    }

    private void readShutdownAll() {
        // recv returns 0 from now on; a reader blocked in the underlying recv wakes through its shutdown.
        readShutdown = true;
    }

    @Override
    public int reset(int ms) {
        closed.set(true);
        return sock.reset(ms);
    }

    // ------------------------------------------------------------------ options and addresses

    @Override
    public <T> T getOption(SocketOption<T> option) {
        return sock.getOption(option);
    }

    @Override
    public <T> int setOption(SocketOption<T> option, T value) {
        return sock.setOption(option, value);
    }

    @Override
    public SocketAddress remoteAddress() {
        return sock.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return sock.localAddress();
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && failure == null && sock.isOpen();
    }

    @Override
    public String toString() {
        return "TlsSock[" + (client ? "client" : "server") + ", " + sock + "]";
    }
}
