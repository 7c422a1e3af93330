package co.net.tls.internal;

import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import co.net.tls.TlsConfig;
import co.net.tls.TlsTransports;
import java.net.ProtocolFamily;

/**
 * TLS over the stream sockets of another transport.
 *
 * <p>Thread safety: immutable; safe from any thread.
 */
public final class TlsTransport implements Transport {

    private final Transport underlying;
    private final TlsConfig serverConfig;
    private final TlsConfig clientConfig;

    /**
     * Creates the transport.
     *
     * @param underlying the transport records travel over
     * @param serverConfig config of accepted sockets
     * @param clientConfig config of connecting sockets
     */
    public TlsTransport(Transport underlying, TlsConfig serverConfig, TlsConfig clientConfig) {
        this.underlying = underlying;
        this.serverConfig = serverConfig;
        this.clientConfig = clientConfig;
    }

    @Override
    public String name() {
        return TlsTransports.NAME;
    }

    @Override
    public Sock socket(ProtocolFamily family, Sock.Type type) {
        if (type != Sock.Type.STREAM) {
            CoContext.current().setError(Errno.EOPNOTSUPP, "TLS runs over stream sockets only (no DTLS)");
            return null;
        }
        Sock s = underlying.socket(family, type);
        return s == null ? null : TlsSocket.unconnected(this, s);
    }

    /** Returns the config of accepted (server) sockets. */
    TlsConfig serverConfig() {
        return serverConfig;
    }

    /** Returns the config of connecting (client) sockets. */
    TlsConfig clientConfig() {
        return clientConfig;
    }

    @Override
    public String toString() {
        return "tls over " + underlying.name();
    }
}
