package co.net.nio.internal;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.spi.CoContext;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.api.spi.IoLoop;
import co.api.spi.Poller;
import co.api.spi.SockEdges;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A stream socket: TCP over IPv4 or IPv6, or a Unix-domain stream socket.
 *
 * <p><b>One socket, two Java channels.</b> A C socket becomes a listener or a connection after it
 * is made; NIO has two classes. So a socket starts as a {@link SocketChannel} (made at
 * {@code socket()} time, so an out-of-descriptors error shows there, as in C). {@link #bind} binds
 * that channel, so bind errors and the chosen port show at {@code bind} as in C, and a client may
 * bind before it connects. {@link #listen} then moves the bound address to a
 * {@link ServerSocketChannel} with the requested backlog: it closes the bound, unconnected channel
 * (which frees the address at once: no connection, no TIME_WAIT; a Unix socket's file is removed)
 * and binds the server channel to the same address. Options set before {@code listen} are carried
 * over.
 *
 * <p><b>Two states.</b> Until {@code listen} the socket may connect and carry data through its
 * {@link SocketChannel}; after it, a {@link NioListener} holds the listening channel and accepts,
 * and the data calls fail with {@link Errno#ENOTCONN} (connect with {@link Errno#EISCONN}). What is
 * left here (about 550 lines) is the one C-like socket's life: bind, listen, the TCP and
 * Unix-domain connects, the data path and the close/reset rules.
 *
 * <p>Thread safety: see {@link NioSock}; control calls (bind, listen, connect, options) take a lock
 * for their state change and never wait while holding it.
 */
final class NioStreamSock extends NioSock {

    /** Pause bounds between retries of a Unix-domain connect to a listener whose queue is full. */
    private static final int UNIX_CONNECT_RETRY_MIN_MS = 1;
    private static final int UNIX_CONNECT_RETRY_MAX_MS = 50;

    private final Object lock = new Object();
    /** The connection (or the not yet listening socket); null once listening. */
    private volatile SocketChannel channel;
    /** The listener, once {@link #listen} succeeded. */
    private volatile NioListener listener;
    /** Options the user set, replayed on the server channel by {@link #listen}; guarded by lock. */
    private Map<SocketOption<?>, Object> options;

    NioStreamSock(NioTransport transport, ProtocolFamily family, SocketChannel channel) {
        super(transport, family);
        this.channel = channel;
    }

    @Override
    public Type type() {
        return Type.STREAM;
    }

    @Override
    NetworkChannel channel() {
        NioListener l = listener;
        return l != null ? l.channel : channel;
    }

    @Override
    void closeChannels() {
        SocketChannel c = channel;
        NioListener l = listener;
        if (c != null) {
            closeChannel(c);
        }
        if (l != null) {
            closeChannel(l.channel);
        }
    }


    // ---------------------------------------------------------------- control

    @Override
    public int bind(SocketAddress local) {
        Objects.requireNonNull(local, "local");
        CoContext.current().clearTimeout();
        synchronized (lock) {
            if (isClosed()) {
                return closedError();
            }
            if (listener != null) {
                return Errors.fail(Errno.EINVAL, "socket is already bound and listening");
            }
            try {
                channel.bind(local);
                return 0;
            } catch (IOException | RuntimeException e) {
                return bindFailure(e);
            }
        }
    }

    private static int bindFailure(Exception e) {
        if (e instanceof NullPointerException npe) {
            throw npe;
        }
        return Errors.fail(e);
    }

    @Override
    public int listen(int backlog) {
        CoContext.current().clearTimeout();
        synchronized (lock) {
            if (isClosed()) {
                return closedError();
            }
            if (listener != null) {
                return 0;                      // listening already; Java cannot change the backlog
            }
            SocketChannel c = channel;
            try {
                if (c.isConnected() || c.isConnectionPending()) {
                    return Errors.fail(Errno.EINVAL, "socket is connected");
                }
                SocketAddress at = c.getLocalAddress();
                if (at == null) {
                    if (family == StandardProtocolFamily.UNIX) {
                        return Errors.fail(Errno.EINVAL, "a Unix-domain socket must be bound before listen");
                    }
                    // Like listen(2) on an unbound socket: any address, a free port.
                    at = new InetSocketAddress(family == StandardProtocolFamily.INET6
                            ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0"), 0);
                }
                ServerSocketChannel s = ServerSocketChannel.open(family);
                try {
                    s.configureBlocking(false);
                    if (options != null) {
                        for (Map.Entry<SocketOption<?>, Object> e : options.entrySet()) {
                            setOn(s, e.getKey(), e.getValue());
                        }
                    }
                    // Free the address: an unconnected socket leaves no TIME_WAIT behind, and
                    // this channel was never registered with a selector, so the close is immediate.
                    c.close();
                    if (at instanceof UnixDomainSocketAddress u && !u.getPath().toString().isEmpty()) {
                        Files.deleteIfExists(u.getPath());
                    }
                    s.bind(at, backlog);
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
                listener = new NioListener(s);
                channel = null;
                return 0;
            } catch (IOException | RuntimeException e) {
                return bindFailure(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void setOn(NetworkChannel ch, SocketOption<?> option, Object value) throws IOException {
        if (ch.supportedOptions().contains(option)) {
            ch.setOption((SocketOption<Object>) option, value);
        }
    }

    @Override
    public <T> int setOption(SocketOption<T> option, T value) {
        Objects.requireNonNull(option, "option");
        CoContext.current().clearTimeout();
        synchronized (lock) {
            if (isClosed()) {
                return closedError();
            }
            try {
                channel().setOption(option, value);
            } catch (IOException | RuntimeException e) {
                return bindFailure(e);
            }
            if (listener == null) {
                if (options == null) {
                    options = new LinkedHashMap<>();
                }
                options.put(option, value);
            }
            return 0;
        }
    }

    @Override
    public Sock accept(int ms) {
        CoContext.current().clearTimeout();
        NioListener l = listener;
        if (l == null) {
            if (isClosed()) {
                closedError();
            } else {
                Errors.fail(Errno.EINVAL, "socket is not listening");
            }
            return null;
        }
        return l.accept(this, ms);
    }


    @Override
    public int connect(SocketAddress remote, int ms) {
        Objects.requireNonNull(remote, "remote");
        CoContext ctx = CoContext.current();
        ctx.clearTimeout();
        SocketChannel c = connection(Errno.EISCONN);
        if (c == null) {
            return Errors.FAILED;
        }
        Poller poller = null;
        try {
            Deadline deadline;
            if (family == StandardProtocolFamily.UNIX) {
                deadline = Deadline.after(ms);
                c = connectUnix(c, remote, deadline);
                if (c == null) {
                    return -1;
                }
                if (c.isConnected()) {
                    return 0;
                }
            } else if (c.connect(remote)) {
                return 0;
            } else {
                deadline = Deadline.after(ms);
            }
            poller = poller();
            for (;;) {
                if (!await(poller, c, SelectionKey.OP_CONNECT, deadline, false)) {
                    return -1;
                }
                if (c.finishConnect()) {
                    return 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof NullPointerException npe) {
                throw npe;
            }
            return isClosed() ? closedError() : Errors.fail(e);
        } finally {
            release(poller, c, SelectionKey.OP_CONNECT);
        }
    }

    /**
     * A Unix-domain connect to a listener whose queue is full fails at once with EAGAIN (a
     * blocking socket would wait, and nothing tells a non-blocking one when there is room). Retry
     * with a growing pause (1 to 50 ms) until the deadline, so that {@code connect(addr, ms)} waits
     * as it does for TCP. The JDK closes a channel whose connect failed, so each retry uses a new
     * channel with the same options.
     *
     * @return the connected or connect-pending channel, or null with the error set
     */
    private SocketChannel connectUnix(SocketChannel c, SocketAddress remote, Deadline deadline) throws IOException {
        int pause = UNIX_CONNECT_RETRY_MIN_MS;
        for (;;) {
            try {
                c.connect(remote);
                return c;
            } catch (IOException e) {
                if (Errors.errno(e) != Errno.EAGAIN) {
                    throw e;
                }
                if (deadline.expired()) {
                    CoContext.current().setTimedOut();
                    return null;
                }
                int left = deadline.remainingMillis();
                Co.sleep(left < 0 ? pause : Math.min(pause, left));
                pause = Math.min(pause * 2, UNIX_CONNECT_RETRY_MAX_MS);
                c = renew(c);
                if (c == null) {
                    closedError();
                    return null;
                }
            }
        }
    }

    /** Replaces a channel the JDK closed after a failed connect; null if this socket was closed. */
    private SocketChannel renew(SocketChannel old) throws IOException {
        synchronized (lock) {
            if (isClosed()) {
                return null;
            }
            if (channel != old) {
                return channel;
            }
            SocketChannel fresh = SocketChannel.open(family);
            try {
                fresh.configureBlocking(false);
                if (options != null) {
                    for (Map.Entry<SocketOption<?>, Object> e : options.entrySet()) {
                        setOn(fresh, e.getKey(), e.getValue());
                    }
                }
            } catch (IOException | RuntimeException e) {
                fresh.close();
                throw e;
            }
            channel = fresh;
            old.close();
        }
        // close() may have run between the check and the store: it closed `old`, not `fresh`.
        if (isClosed()) {
            closeChannels();
            return null;
        }
        return channel;
    }

    // ---------------------------------------------------------------- data

    /**
     * Whether the last read left room in its buffer, i.e. probably drained the socket. Read and
     * written only by receivers; a race between two receivers costs at most one extra wait or read.
     */
    private boolean drained;

    /**
     * Returns the connection's channel, or null with the error set: {@link Errno#EBADF} if closed,
     * {@code listeningErrno} if this socket is a listener.
     */
    private SocketChannel connection(int listeningErrno) {
        SocketChannel c = channel;
        if (c == null) {
            if (isClosed()) {
                closedError();
            } else {
                Errors.fail(listeningErrno, "socket is listening");
            }
        }
        return c;
    }

    @Override
    public int recv(ByteBuffer buf, int ms) {
        CoContext ctx = CoContext.current();
        ctx.clearTimeout();
        SocketChannel c = connection(Errno.ENOTCONN);
        if (c == null) {
            return Errors.FAILED;
        }
        if (!buf.hasRemaining()) {
            return 0;
        }
        // After a read that drained the socket (request/response traffic) the next read would
        // almost surely find nothing: on an affine scheduler, whose selector reports a readable
        // registered channel at its very next selection, wait first and save that system call.
        // Not for a poll (ms == 0: the timer would fire before the selection), nor on the shared
        // poller, where a wait costs more than a read.
        boolean waitFirst = drained && ms != 0 && ctx.isCoroutine() && ctx.runtime().affine();
        try {
            return IoLoop.recv(READ, this, c, buf, ms, waitFirst);
        } catch (IOException | RuntimeException e) {
            return dataFailure(e);
        }
    }

    @Override
    public int recvn(ByteBuffer buf, int ms) {
        CoContext.current().clearTimeout();
        SocketChannel c = connection(Errno.ENOTCONN);
        if (c == null) {
            return Errors.FAILED;
        }
        if (!buf.hasRemaining()) {
            return 0;
        }
        try {
            return IoLoop.recvn(READ, this, c, buf, ms);
        } catch (IOException | RuntimeException e) {
            return dataFailure(e);
        }
    }

    /** The read side of co's I/O loop on a connection: stateless, shared by every socket. */
    private static final IoLoop.Steps<NioStreamSock, SocketChannel, IOException> READ = new Steps(true);
    /** The write side. */
    private static final IoLoop.Steps<NioStreamSock, SocketChannel, IOException> WRITE = new Steps(false);

    /** One direction's steps of co's I/O loop; the wait and release go through {@link NioSock}. */
    private static final class Steps implements IoLoop.Steps<NioStreamSock, SocketChannel, IOException> {
        private final boolean read;
        private final int ops;

        Steps(boolean read) {
            this.read = read;
            this.ops = read ? SelectionKey.OP_READ : SelectionKey.OP_WRITE;
        }

        @Override
        public int attempt(NioStreamSock sock, SocketChannel c, ByteBuffer buf) throws IOException {
            if (!read) {
                return c.write(buf);
            }
            int n = c.read(buf);
            if (n > 0) {
                sock.drained = buf.hasRemaining();
                return n;
            }
            return n < 0 ? IoLoop.END_OF_STREAM : 0;
        }

        @Override
        public boolean await(NioStreamSock sock, SocketChannel c, int ms) {
            return sock.await(sock.poller(), c, ops, ms, read);
        }

        @Override
        public void release(NioStreamSock sock, SocketChannel c) {
            // The poller the waits used: the calling thread's, which a call does not change.
            NioSock.release(CoContext.current().poller(), c, ops);
        }
    }

    private int dataFailure(Exception e) {
        if (e instanceof NullPointerException npe) {
            throw npe;
        }
        if (e instanceof java.nio.channels.ClosedChannelException && !isClosed()) {
            SocketChannel c = channel;
            if (c != null && c.isOpen()) {
                // The JDK says "closed" for a write after shutdownOutput; C says EPIPE.
                return Errors.fail(Errno.EPIPE, "the socket was shut down for writing");
            }
        }
        if (e instanceof IllegalArgumentException || e instanceof java.nio.ReadOnlyBufferException) {
            throw (RuntimeException) e;
        }
        return isClosed() ? closedError() : Errors.fail(e);
    }

    @Override
    public SocketAddress recvfrom(ByteBuffer buf, int ms) {
        // A stream has one peer: recvfrom is recv that also names it, as on Linux.
        return SockEdges.recvfromPeer(this, buf, ms);
    }

    @Override
    public int send(ByteBuffer buf, int ms) {
        CoContext.current().clearTimeout();
        SocketChannel c = connection(Errno.ENOTCONN);
        if (c == null) {
            return Errors.FAILED;
        }
        try {
            return IoLoop.send(WRITE, this, c, buf, ms);
        } catch (IOException | RuntimeException e) {
            return dataFailure(e);
        }
    }

    @Override
    public int sendto(ByteBuffer buf, SocketAddress to, int ms) {
        if (to != null && !to.equals(remoteAddress())) {
            CoContext.current().clearTimeout();
            return Errors.fail(Errno.EISCONN, "a stream socket sends only to its peer");
        }
        return send(buf, ms);
    }

    @Override
    public int shutdown(char how) {
        CoContext.current().clearTimeout();
        if (how != 'r' && how != 'w' && how != 'b') {
            return Errors.fail(Errno.EINVAL, "shutdown takes 'r', 'w' or 'b', not '" + how + "'");
        }
        SocketChannel c = connection(Errno.ENOTCONN);
        if (c == null) {
            return Errors.FAILED;
        }
        try {
            if (how != 'w') {
                c.shutdownInput();
            }
            if (how != 'r') {
                c.shutdownOutput();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return dataFailure(e);
        }
    }

    @Override
    public int reset(int ms) {
        if (isClosed()) {
            return closedError();
        }
        if (ms > 0) {
            Co.sleep(ms);
        }
        SocketChannel c = channel;
        if (c != null && c.isConnected()) {
            try {
                // SO_LINGER 0: for TCP, close(2) drops unsent data and sends RST; no TIME_WAIT.
                // For a Unix-domain socket too, although Linux ignores it there: the JDK closes a
                // channel still registered with a selector only at that selector's next selection,
                // and meanwhile shuts its output down unless SO_LINGER is 0. That shutdown gave the
                // peer end of stream (recv 0) before the release gave it ECONNRESET (unread data
                // left behind): the flaky resetSendsAnErrorToThePeer on nio-unix.
                setOn(c, StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException ignored) {
                // the connection is already gone; closing is all that is left
            }
        }
        close();
        return 0;
    }

    @Override
    public SocketAddress remoteAddress() {
        SocketChannel c = channel;
        try {
            return c == null || isClosed() ? null : c.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
