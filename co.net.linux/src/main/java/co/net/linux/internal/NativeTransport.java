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
 * What the native transports ({@code "epoll"}, {@code "uring"}) share: stream sockets (TCP over
 * IPv4 and IPv6, Unix-domain) on raw descriptors made with {@code socket(2)}; datagram sockets are
 * made by the {@code nio} transport (UDP stays on nio). Thread-safe.
 */
abstract class NativeTransport implements Transport {

    private final String name;

    NativeTransport(String name) {
        this.name = name;
    }

    /**
     * Wraps a fresh descriptor.
     *
     * @param af its address family
     * @param fd the descriptor, non-blocking, not connected
     * @return the socket
     */
    abstract FdSock wrap(int af, int fd);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Sock socket(ProtocolFamily family, Sock.Type type) {
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
        return wrap(af, fd);
    }

    @Override
    public final String toString() {
        return name;
    }
}
