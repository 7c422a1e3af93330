package co.net.nio.internal;

import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import co.api.spi.Errors;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * The {@code "nio"} transport: makes {@link Sock}s over non-blocking {@code java.nio.channels}.
 *
 * <table>
 * <caption>What {@link #socket} makes</caption>
 * <tr><th>family</th><th>STREAM</th><th>DATAGRAM</th></tr>
 * <tr><td>INET, INET6</td><td>TCP</td><td>UDP</td></tr>
 * <tr><td>UNIX</td><td>Unix-domain stream socket</td><td>{@link Errno#EOPNOTSUPP} (the JDK has none)</td></tr>
 * </table>
 *
 * <p>Thread safety: stateless; any thread.
 */
final class NioTransport implements Transport {

    /** The one instance. */
    static final NioTransport INSTANCE = new NioTransport();

    private NioTransport() {
    }

    @Override
    public String name() {
        return NioTransportProvider.NAME;
    }

    @Override
    public Sock socket(ProtocolFamily family, Sock.Type type) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(type, "type");
        CoContext.current().clearTimeout();
        if (!(family instanceof StandardProtocolFamily)) {
            Errors.fail(Errno.EOPNOTSUPP, "protocol family " + family);
            return null;
        }
        try {
            if (type == Sock.Type.STREAM) {
                SocketChannel c = SocketChannel.open(family);
                c.configureBlocking(false);
                return new NioStreamSock(this, family, c);
            }
            if (family == StandardProtocolFamily.UNIX) {
                Errors.fail(Errno.EOPNOTSUPP, "Unix-domain datagram sockets (the JDK offers none)");
                return null;
            }
            DatagramChannel d = DatagramChannel.open(family);
            d.configureBlocking(false);
            return new NioDatagramSock(this, family, d);
        } catch (IOException | UnsupportedOperationException e) {
            Errors.fail(e);
            return null;
        }
    }

    @Override
    public String toString() {
        return "Transport[nio]";
    }
}
