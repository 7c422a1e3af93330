package co.net.tls.internal;

import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.api.spi.SockEdges;
import co.net.tls.TlsConfig;
import co.net.tls.TlsSock;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSession;

/**
 * A TLS {@link Sock}: what user code holds. A socket is made unconnected (by the transport) and
 * becomes a listener on {@code listen} or a connection on {@code connect}; or it is made connected
 * (by {@code accept}, or around a socket that already is). Each state is its own small object: a
 * {@link TlsListener} accepts and admits handshakes, a {@link TlsConnection} drives the engine. This
 * class holds the underlying socket, the state, and the rules shared by all states (closed,
 * arguments, edge cases).
 *
 * <p>Thread safety: every method may be called from any coroutine or thread, as {@link Sock} says.
 */
public final class TlsSocket implements TlsSock {

    private final TlsTransport transport;
    private final Sock sock;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set once, by connect, accept or wrap; null while unconnected or listening. */
    private volatile TlsConnection connection;
    /** Set once, by listen. */
    private volatile TlsListener listener;

    private TlsSocket(TlsTransport transport, Sock sock, TlsConnection connection) {
        this.transport = transport;
        this.sock = sock;
        this.connection = connection;
        TlsTransportProvider.OPEN_SOCKS.add(this);
    }

    /**
     * An unconnected TLS socket over {@code sock}: {@code connect} makes it a client with the
     * transport's client config, {@code listen} a listener whose connections use its server config.
     *
     * @param transport the TLS transport
     * @param sock an unconnected stream socket
     * @return the socket
     */
    static TlsSocket unconnected(TlsTransport transport, Sock sock) {
        return new TlsSocket(transport, sock, null);
    }

    /**
     * A socket for a connection a {@link TlsListener} accepted.
     *
     * @param transport the TLS transport
     * @param sock the accepted underlying socket
     * @param connection its TLS connection, handshake started
     * @return the socket
     */
    static TlsSocket accepted(TlsTransport transport, Sock sock, TlsConnection connection) {
        return new TlsSocket(transport, sock, connection);
    }

    /**
     * A TLS socket over an already connected socket.
     *
     * @param sock the connected socket
     * @param config the config of this side
     * @param client the role
     * @return the socket, handshake not begun
     * @throws IllegalArgumentException if the config names unsupported protocols or suites
     */
    public static TlsSocket wrap(Sock sock, TlsConfig config, boolean client) {
        String host = null;
        int port = -1;
        if (client) {
            if (sock.remoteAddress() instanceof InetSocketAddress isa) {
                host = isa.getHostString();
                port = isa.getPort();
            }
            if (config.serverName() != null) {
                host = config.serverName();
            }
        }
        return new TlsSocket(null, sock, new TlsConnection(sock, config, client, host, port));
    }

    private static int error(int errno, String detail) {
        return Errors.fail(errno, detail);
    }

    /** The error of a data call on a socket that has no connection. */
    private int notConnected() {
        if (closed.get()) {
            return error(Errno.EBADF, null);
        }
        return error(Errno.ENOTCONN, listener != null ? "socket is listening" : null);
    }

    // ------------------------------------------------------------------ handshake

    @Override
    public int handshake(int ms) {
        CoContext.current().clearTimeout();
        TlsConnection c = connection;
        return c == null ? notConnected() : c.handshake(Deadline.after(ms));
    }

    @Override
    public SSLSession session() {
        TlsConnection c = connection;
        return c == null ? null : c.session();
    }

    @Override
    public String applicationProtocol() {
        TlsConnection c = connection;
        return c == null ? null : c.applicationProtocol();
    }

    @Override
    public Sock underlying() {
        return sock;
    }

    // ------------------------------------------------------------------ data

    /**
     * The first step of a data call: clears the last timeout, and returns the connection, or null
     * with the error set when there is none.
     */
    private TlsConnection dataConnection() {
        CoContext.current().clearTimeout();
        TlsConnection c = connection;
        if (c == null) {
            notConnected();
        }
        return c;
    }

    @Override
    public int recv(ByteBuffer buf, int ms) {
        TlsConnection c = dataConnection();
        if (c == null) {
            return Errors.FAILED;
        }
        return buf.hasRemaining() ? c.recv(buf, ms) : 0;
    }

    @Override
    public int send(ByteBuffer buf, int ms) {
        TlsConnection c = dataConnection();
        if (c == null) {
            return Errors.FAILED;
        }
        return buf.hasRemaining() ? c.send(buf, ms) : 0;
    }

    /**
     * A stream has one peer: {@code recvfrom} is {@code recv} that also names it, at the end of the
     * stream too. A call that succeeds clears the last error.
     */
    @Override
    public SocketAddress recvfrom(ByteBuffer buf, int ms) {
        return SockEdges.recvfromPeer(this, buf, ms);
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
        if (connection != null) {
            return error(Errno.EISCONN, null);
        }
        if (closed.get()) {
            return error(Errno.EBADF, null);
        }
        if (transport == null) {
            return error(Errno.EOPNOTSUPP, "TLS: a stand-alone TLS socket cannot listen");
        }
        int r = sock.listen(backlog);
        if (r == 0 && listener == null) {
            listener = new TlsListener(transport, sock, transport.serverConfig());
            if (closed.get()) {
                listener.close();
            }
        }
        return r;
    }

    @Override
    public Sock accept(int ms) {
        CoContext.current().clearTimeout();
        TlsListener l = listener;
        if (l == null) {
            if (closed.get()) {
                error(Errno.EBADF, null);
            } else {
                error(Errno.EINVAL, "TLS: accept on a socket that is not listening");
            }
            return null;
        }
        return l.accept(ms);
    }

    @Override
    public int connect(SocketAddress remote, int ms) {
        CoContext.current().clearTimeout();
        if (connection != null) {
            return error(Errno.EISCONN, null);
        }
        if (closed.get()) {
            return error(Errno.EBADF, null);
        }
        if (listener != null) {
            return error(Errno.EINVAL, "TLS: connect on a listening socket");
        }
        TlsConfig config = transport.clientConfig();
        String host = config.serverName();
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
        if (host == null && config.verifyHostname()) {
            return error(Errno.EINVAL, "TLS: no host name to verify for " + remote
                    + "; set TlsConfig.serverName, or verifyHostname(false)");
        }
        Deadline deadline = Deadline.after(ms);
        if (sock.connect(remote, ms) < 0) {
            return -1;
        }
        TlsConnection c;
        try {
            c = new TlsConnection(sock, config, true, host, port);
        } catch (RuntimeException e) {
            sock.close();
            return error(Errno.EINVAL, "TLS: " + e.getMessage());
        }
        connection = c;
        if (closed.get()) {
            // closed while connecting: the close found no connection to close
            c.close();
        }
        return c.handshake(deadline);
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        TlsTransportProvider.OPEN_SOCKS.remove(this);
        TlsConnection c = connection;
        TlsListener l = listener;
        if (c != null) {
            c.close();
        } else if (l != null) {
            l.close();
        } else {
            sock.close();
        }
    }

    /** Closing a socket that is already closed fails with {@link Errno#EBADF}, without waiting. */
    @Override
    public int close(int ms) {
        return SockEdges.closeAfter(this, closed.get(), ms);
    }

    @Override
    public int shutdown(char how) {
        if (how != 'r' && how != 'w' && how != 'b') {
            return error(Errno.EINVAL, null);
        }
        TlsConnection c = connection;
        return c == null ? notConnected() : c.shutdown(how);
    }

    @Override
    public int reset(int ms) {
        TlsTransportProvider.OPEN_SOCKS.remove(this);
        TlsConnection c = connection;
        if (c != null) {
            closed.set(true);
            return c.reset(ms);
        }
        if (!closed.compareAndSet(false, true)) {
            return error(Errno.EBADF, null);
        }
        int r = sock.reset(ms);
        TlsListener l = listener;
        if (l != null) {
            l.close();
        }
        return r;
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
        if (closed.get()) {
            return false;
        }
        TlsConnection c = connection;
        return c != null ? c.isOpen() : sock.isOpen();
    }

    @Override
    public String toString() {
        TlsConnection c = connection;
        String role = c != null ? (c.client() ? "client" : "server") : listener != null ? "listener" : "unconnected";
        return "TlsSock[" + role + ", " + sock + "]";
    }
}
