package co.net.linux.internal;

import co.api.spi.Errors;
import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import java.lang.foreign.MemorySegment;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.util.Objects;

/**
 * The {@code "epoll"} transport: stream sockets (TCP over IPv4 and IPv6, Unix-domain) on raw
 * descriptors. Datagram sockets are made by the {@code nio} transport: UDP stays on nio.
 * Thread-safe.
 */
final class EpollTransport implements Transport {

    static final String NAME = "epoll";

    @Override
    public String name() {
        return NAME;
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
        return new EpollSock(this, af, fd, false);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
