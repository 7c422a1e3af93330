package co.net.tls;

import co.api.Sock;
import co.api.Transport;
import co.net.tls.internal.TlsSocket;
import co.net.tls.internal.TlsTransport;
import java.util.Objects;

/**
 * Puts TLS over a transport or over one connected socket. The {@code "tls"} transport found by
 * {@link co.api.Co#transport(String)} is TLS over {@code "nio"} configured from system properties
 * ({@link TlsConfig#fromSystemProperties()}); use these factories to give your own configuration or to
 * run TLS over another transport (Unix sockets, a custom one).
 *
 * <pre>{@code
 * Transport tls = TlsTransports.over(Co.transport("nio"), serverConfig, clientConfig);
 * Sock server = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);   // then bind, listen, accept
 * }</pre>
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
public final class TlsTransports {

    /** The name of TLS transports. */
    public static final String NAME = "tls";

    private TlsTransports() {
    }

    /**
     * Returns a transport that makes TLS sockets over {@code underlying}'s stream sockets, using one
     * config for both roles.
     *
     * @param underlying the transport the records travel over
     * @param config the config for accepted (server) and connected (client) sockets
     * @return the transport, named {@value #NAME}
     */
    public static Transport over(Transport underlying, TlsConfig config) {
        return over(underlying, config, config);
    }

    /**
     * Returns a transport that makes TLS sockets over {@code underlying}'s stream sockets: sockets
     * returned by {@code accept} are TLS servers with {@code server}; sockets that {@code connect} are
     * TLS clients with {@code client}.
     *
     * @param underlying the transport the records travel over
     * @param server the server-side config
     * @param client the client-side config
     * @return the transport, named {@value #NAME}
     */
    public static Transport over(Transport underlying, TlsConfig server, TlsConfig client) {
        return new TlsTransport(Objects.requireNonNull(underlying, "underlying"),
                Objects.requireNonNull(server, "server"), Objects.requireNonNull(client, "client"));
    }

    /**
     * Makes a TLS client over a socket that is already connected (for example after a STARTTLS
     * exchange). The handshake happens on the first {@code recv}/{@code send} or
     * {@link TlsSock#handshake}; closing the result closes {@code connected}.
     *
     * @param connected a connected stream socket of any transport
     * @param config the client config; its {@link TlsConfig#serverName()}, else the host of
     *     {@code connected}'s remote address, is the name checked
     * @return the TLS socket
     */
    public static TlsSock client(Sock connected, TlsConfig config) {
        return TlsSocket.wrap(Objects.requireNonNull(connected, "connected"), Objects.requireNonNull(config, "config"),
                true);
    }

    /**
     * Makes a TLS server over a socket that is already connected. The handshake happens on the first
     * {@code recv}/{@code send} or {@link TlsSock#handshake}; closing the result closes
     * {@code connected}.
     *
     * @param connected a connected stream socket of any transport
     * @param config the server config
     * @return the TLS socket
     */
    public static TlsSock server(Sock connected, TlsConfig config) {
        return TlsSocket.wrap(Objects.requireNonNull(connected, "connected"), Objects.requireNonNull(config, "config"),
                false);
    }
}
