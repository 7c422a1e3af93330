package co.net.linux.internal;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.Errors;
import java.lang.foreign.MemorySegment;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.util.Objects;

/**
 * A native transport, {@code "epoll"} ({@link EpollSock}s) or {@code "uring"} ({@link UringSock}s):
 * stream sockets (TCP over IPv4 and IPv6, Unix-domain) on raw descriptors made with
 * {@code socket(2)}; datagram sockets are made by the {@code nio} transport (UDP stays on nio). The
 * two differ only in the socket class they make ({@link Sockets}). Thread-safe.
 */
final class NativeTransport implements Transport {

    /** The epoll transport's name. */
    static final String EPOLL = "epoll";
    /** The io_uring transport's name. */
    static final String URING = "uring";

    /** Makes a transport's socket around a descriptor. */
    @FunctionalInterface
    interface Sockets {
        /**
         * Wraps a descriptor.
         *
         * @param transport the transport that made it
         * @param af its address family
         * @param fd the descriptor, non-blocking
         * @param connected true for an accepted connection, false for a fresh socket
         * @return the socket
         */
        FdSock wrap(NativeTransport transport, int af, int fd, boolean connected);
    }

    private final String name;
    private final Sockets sockets;

    NativeTransport(String name, Sockets sockets) {
        this.name = name;
        this.sockets = sockets;
    }

    /**
     * Wraps a descriptor in this transport's socket class.
     *
     * @param af its address family
     * @param fd the descriptor, non-blocking
     * @param connected true for an accepted connection
     * @return the socket
     */
    FdSock wrap(int af, int fd, boolean connected) {
        return sockets.wrap(this, af, fd, connected);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Sock socket(ProtocolFamily family, Sock.Type type) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(type, "type");
        if (type == Sock.Type.DATAGRAM) {
            return Co.transport("nio").socket(family, type);
        }
        int af;
        if (family == StandardProtocolFamily.INET) {
            af = Sys.AF_INET;
        } else if (family == StandardProtocolFamily.INET6) {
            af = Sys.AF_INET6;
        } else if (family == StandardProtocolFamily.UNIX) {
            af = Sys.AF_UNIX;
        } else {
            Errors.fail(co.api.Errno.EOPNOTSUPP, "protocol family " + family);
            return null;
        }
        MemorySegment s = Sys.scratch();
        int fd = Sys.socket(s, af, Sys.SOCK_STREAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            Errors.fail(Sys.errno(s), "socket");
            return null;
        }
        co.api.spi.CoContext.current().clearTimeout();
        return wrap(af, fd, false);
    }

    @Override
    public String toString() {
        return name;
    }
}
