package co.net.mem.internal;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.api.spi.SockEdges;
import co.net.mem.MemTransports;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory stream socket. Like a C socket it starts unbound, and becomes a listener
 * ({@link #bind}, {@link #listen}, {@link #accept}) or one end of a {@link Connection}
 * ({@link #connect}, or returned by {@code accept}).
 *
 * <p>Semantics follow {@link Sock} and TCP on Linux: {@code recv} returns 0 once the peer shut
 * down writing or closed and its data is drained, -1 with {@link Errno#ECONNRESET} after the
 * peer's {@link #reset}; {@code send} fails with {@link Errno#EPIPE} once the peer closed; a
 * connect to an address where nothing listens fails at once with {@link Errno#ECONNREFUSED}; a
 * connect to a full accept queue waits for room up to its timeout. Options {@code SO_RCVBUF}
 * (the size of the receive buffer), {@code SO_SNDBUF}, {@code SO_REUSEADDR},
 * {@code SO_KEEPALIVE} and {@code TCP_NODELAY} are kept (so TCP code runs unchanged); others
 * give {@link Errno#EOPNOTSUPP}.
 *
 * <p>Thread safety: any method from any coroutine or thread. One coroutine may receive while
 * another sends. {@link #close} from anywhere wakes blocked calls, which return -1 with
 * {@link Errno#EBADF}. The control state is guarded by {@link #lock}, which is never held while
 * waiting.
 */
final class MemSock implements Sock {

    private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_REUSEADDR,
            StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.TCP_NODELAY);

    private final MemTransport transport;
    private final StandardProtocolFamily family;
    private final Registry registry;
    private final ReentrantLock lock = new ReentrantLock();

    // Written under lock; volatile so that isOpen, the addresses and the I/O calls read them without it.
    private volatile boolean open = true;
    private volatile SocketAddress local;
    private volatile SocketAddress remote;
    private volatile Connection connection;
    private volatile Listener listener;

    /** Which end of {@link #connection} this is: 0 the connecting end, 1 the accepted end. */
    private int side;
    /** Whether {@link #local} is held in the registry (bound explicitly or by listen). */
    private boolean registered;
    /** The listener a connect waits on for room, so that close can wake it. */
    private Listener connectingTo;
    private final Map<SocketOption<?>, Object> options;

    MemSock(MemTransport transport, StandardProtocolFamily family, Registry registry) {
        this.transport = transport;
        this.family = family;
        this.registry = registry;
        this.options = new HashMap<>();
        MemTransportProvider.OPEN_SOCKS.add(this);
    }

    /** The accepted end of a connection: inherits the listener's options, as TCP does. */
    private MemSock(MemSock listening, Connection connection, SocketAddress remote) {
        this(listening.transport, listening.family, listening.registry);
        this.options.putAll(listening.optionsCopy());
        this.connection = connection;
        this.side = 1;
        this.local = listening.local;
        this.remote = remote;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public Type type() {
        return Type.STREAM;
    }

    @Override
    public int bind(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        lock.lock();
        try {
            if (!open) {
                return Errors.fail(Errno.EBADF);
            }
            if (local != null || connection != null || connectingTo != null) {
                return Errors.fail(Errno.EINVAL);
            }
            SocketAddress a = registry.bind(address, this);
            if (a == null) {
                return -1;
            }
            local = a;
            registered = true;
            return 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int listen(int backlog) {
        lock.lock();
        try {
            if (!open) {
                return Errors.fail(Errno.EBADF);
            }
            if (connection != null || connectingTo != null) {
                return Errors.fail(Errno.EINVAL);
            }
            Listener l = listener;
            if (l != null) {
                l.backlog(backlog);
                return 0;
            }
            if (local == null) {
                // As Linux: listen on an unbound socket binds it to a fresh port of the wildcard address.
                SocketAddress any = switch (family) {
                    case INET -> Co.initIpAddr("0.0.0.0", 0);
                    case INET6 -> Co.initIpAddr("::", 0);
                    default -> UnixDomainSocketAddress.of("");
                };
                SocketAddress a = registry.bind(any, this);
                if (a == null) {
                    return -1;
                }
                local = a;
                registered = true;
            }
            listener = new Listener(backlog);
            return 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Sock accept(int ms) {
        CoContext.current().clearTimeout();
        Listener l = listener;
        if (!open) {
            Errors.fail(Errno.EBADF);
            return null;
        }
        if (l == null) {
            Errors.fail(Errno.EINVAL);
            return null;
        }
        return l.take(Deadline.after(ms), this);
    }

    @Override
    public int connect(SocketAddress address, int ms) {
        Objects.requireNonNull(address, "address");
        CoContext.current().clearTimeout();
        Deadline deadline = Deadline.after(ms);
        Listener target;
        MemSock accepted;
        Connection c;
        lock.lock();
        try {
            if (!open) {
                return Errors.fail(Errno.EBADF);
            }
            if (connection != null) {
                return Errors.fail(Errno.EISCONN);
            }
            if (connectingTo != null) {
                return Errors.fail(Errno.EALREADY);
            }
            if (listener != null) {
                return Errors.fail(Errno.EINVAL);
            }
            if (Registry.key(address) == null) {
                CoContext.current().setError(Errno.EINVAL,
                        "the mem transport takes MemAddress, InetSocketAddress or UnixDomainSocketAddress");
                return -1;
            }
            MemSock server = registry.lookup(address);
            target = server == null || server == this ? null : server.listener;
            if (target == null) {
                return Errors.fail(Errno.ECONNREFUSED);
            }
            SocketAddress me = local != null ? local : registry.clientAddress(address);
            c = new Connection(receiveBuffer(), server.receiveBuffer());
            accepted = new MemSock(server, c, me);
            local = me;
            connectingTo = target;
        } finally {
            lock.unlock();
        }
        int r = target.offer(accepted, deadline, this);
        lock.lock();
        try {
            connectingTo = null;
            if (r != 0) {
                if (!registered) {
                    local = null;
                }
                return r;
            }
            if (!open) {
                // Closed while the connection was being queued: the peer sees end of stream.
                c.close(0, false);
                return Errors.fail(Errno.EBADF);
            }
            side = 0;
            remote = address;
            connection = c;
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a data call: clears the timeout flag and returns the connection, or null with the
     * error set ({@link Errno#EBADF} once closed, {@link Errno#ENOTCONN} if not connected).
     */
    private Connection connected() {
        CoContext.current().clearTimeout();
        Connection c = connection;
        if (!open) {
            Errors.fail(Errno.EBADF);
            return null;
        }
        if (c == null) {
            Errors.fail(Errno.ENOTCONN);
        }
        return c;
    }

    @Override
    public int recv(ByteBuffer buf, int ms) {
        Objects.requireNonNull(buf, "buf");
        Connection c = connected();
        if (c == null) {
            return Errors.FAILED;
        }
        if (!buf.hasRemaining()) {
            return 0;
        }
        return c.recv(side, buf, ms);
    }

    @Override
    public SocketAddress recvfrom(ByteBuffer buf, int ms) {
        // A stream has one peer: recvfrom is recv that also names it, also at end of stream.
        return SockEdges.recvfromPeer(this, buf, ms);
    }

    @Override
    public int send(ByteBuffer buf, int ms) {
        Objects.requireNonNull(buf, "buf");
        Connection c = connected();
        if (c == null) {
            return Errors.FAILED;
        }
        return c.send(side, buf, ms);
    }

    @Override
    public int sendto(ByteBuffer buf, SocketAddress to, int ms) {
        if (to == null) {
            return send(buf, ms);
        }
        if (!open) {
            return Errors.fail(Errno.EBADF);
        }
        return Errors.fail(connection != null ? Errno.EISCONN : Errno.ENOTCONN);
    }

    @Override
    public void close() {
        shut(false);
    }

    @Override
    public int close(int ms) {
        return end(ms, false);
    }

    @Override
    public int shutdown(char how) {
        boolean read = how == 'r' || how == 'b';
        boolean write = how == 'w' || how == 'b';
        if (!read && !write) {
            return Errors.fail(Errno.EINVAL);
        }
        Connection c = connected();
        if (c == null) {
            return Errors.FAILED;
        }
        c.shutdown(side, read, write);
        return 0;
    }

    @Override
    public int reset(int ms) {
        return end(ms, true);
    }

    /**
     * Closes, after sleeping {@code ms}; with {@code reset} the peer sees ECONNRESET, not end of
     * stream. A socket already closed fails at once with EBADF, as on every transport.
     */
    private int end(int ms, boolean reset) {
        if (!open) {
            return Errors.fail(Errno.EBADF, "socket already closed");
        }
        if (ms > 0) {
            Co.sleep(ms);
        }
        shut(reset);
        return 0;
    }

    /** Closes now, silently if already closed; with {@code reset} the peer sees ECONNRESET. */
    private void shut(boolean reset) {
        Connection c;
        Listener l;
        Listener waitingOn;
        lock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            c = connection;
            l = listener;
            waitingOn = connectingTo;
            if (registered) {
                registry.unbind(local, this);
            }
        } finally {
            lock.unlock();
        }
        MemTransportProvider.OPEN_SOCKS.remove(this);
        if (c != null) {
            c.close(side, reset);
        }
        if (l != null) {
            l.close();
        }
        if (waitingOn != null) {
            waitingOn.wakeConnectors();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) {
        Objects.requireNonNull(option, "option");
        lock.lock();
        try {
            if (!open) {
                Errors.fail(Errno.EBADF);
                return null;
            }
            if (!OPTIONS.contains(option)) {
                Errors.fail(Errno.EOPNOTSUPP);
                return null;
            }
            Object v = options.get(option);
            if (v == null) {
                v = option.type() == Integer.class ? (Object) MemTransports.DEFAULT_BUFFER_SIZE : (Object) Boolean.FALSE;
            }
            return (T) v;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T> int setOption(SocketOption<T> option, T value) {
        Objects.requireNonNull(option, "option");
        lock.lock();
        try {
            if (!open) {
                return Errors.fail(Errno.EBADF);
            }
            if (!OPTIONS.contains(option)) {
                return Errors.fail(Errno.EOPNOTSUPP);
            }
            if (value == null || (value instanceof Integer i && i <= 0)) {
                return Errors.fail(Errno.EINVAL);
            }
            options.put(option, value);
            return 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String toString() {
        return "mem sock " + (local == null ? "unbound" : Co.toString(local))
                + (remote == null ? "" : " -> " + Co.toString(remote)) + (open ? "" : " (closed)");
    }

    private Map<SocketOption<?>, Object> optionsCopy() {
        lock.lock();
        try {
            return new HashMap<>(options);
        } finally {
            lock.unlock();
        }
    }

    /** The size of this socket's receive buffer: {@code SO_RCVBUF}, else the default. */
    private int receiveBuffer() {
        lock.lock();
        try {
            Object v = options.get(StandardSocketOptions.SO_RCVBUF);
            return v == null ? MemTransports.DEFAULT_BUFFER_SIZE : (Integer) v;
        } finally {
            lock.unlock();
        }
    }
}
