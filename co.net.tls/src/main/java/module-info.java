/**
 * The TLS transport of co for Java: {@code javax.net.ssl.SSLEngine} driven over any stream
 * {@link co.api.Sock}, offered as the transport named {@code "tls"}.
 *
 * <p>{@code co.net.tls} holds the configuration ({@link co.net.tls.TlsConfig}), the factories that put
 * TLS over a given transport or socket ({@link co.net.tls.TlsTransports}) and the TLS view of a socket
 * ({@link co.net.tls.TlsSock}); the engine driver is internal.
 */
module co.net.tls {
    requires static osgi.core;
    requires transitive co.api;

    exports co.net.tls;

    provides co.api.spi.TransportProvider with co.net.tls.internal.TlsTransportProvider;
}
