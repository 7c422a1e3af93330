package co.net.mem.internal;

import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import co.net.mem.MemTransports;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.util.Objects;

/**
 * The {@code "mem"} transport: makes in-memory stream sockets whose addresses live in one
 * {@link Registry} per JVM (per class loader, so inside OSGi per installed {@code co.net.mem}
 * bundle: sockets made before the bundle is updated do not see names bound after).
 *
 * <p>Thread safety: any thread.
 */
final class MemTransport implements Transport {

    /** The one instance; its registry holds every bound name. */
    static final MemTransport INSTANCE = new MemTransport();

    private final Registry registry = new Registry();

    private MemTransport() {
    }

    @Override
    public String name() {
        return MemTransports.NAME;
    }

    /**
     * Makes an unbound, unconnected in-memory stream socket. The family only decides which address
     * an unbound socket gets on {@code listen} (a wildcard of that family) or on {@code connect};
     * every socket accepts {@link co.net.mem.MemAddress}, {@link java.net.InetSocketAddress} and
     * {@link java.net.UnixDomainSocketAddress}.
     *
     * @param family INET, INET6 or UNIX
     * @param type only {@link Sock.Type#STREAM}
     * @return the socket, or null with {@link Errno#EOPNOTSUPP} for datagrams or another family
     */
    @Override
    public Sock socket(ProtocolFamily family, Sock.Type type) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(type, "type");
        if (type != Sock.Type.STREAM || !(family instanceof StandardProtocolFamily)) {
            CoContext.current().setError(Errno.EOPNOTSUPP, "the mem transport makes stream sockets only");
            return null;
        }
        return new MemSock(this, (StandardProtocolFamily) family, registry);
    }

    @Override
    public String toString() {
        return "mem transport";
    }
}
