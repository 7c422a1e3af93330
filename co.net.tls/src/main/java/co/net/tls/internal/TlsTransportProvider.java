package co.net.tls.internal;

import co.api.Co;
import co.api.Transport;
import co.api.spi.NamedProvider;
import co.api.spi.OpenSocks;
import co.api.spi.TransportProvider;
import co.net.tls.TlsConfig;
import co.net.tls.TlsTransports;

/**
 * The {@code "tls"} transport provider: TLS over the transport named by the system property
 * {@value #UNDERLYING_PROPERTY} (default {@code "nio"}), configured by
 * {@link TlsConfig#fromSystemProperties()} (the JDK default {@code SSLContext} unless
 * {@code co.tls.*} properties name key or trust files). Its priority is low, so it is used only when
 * asked for by name.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
public final class TlsTransportProvider extends NamedProvider implements TransportProvider {

    /** The system property naming the transport TLS runs over. */
    public static final String UNDERLYING_PROPERTY = "co.tls.transport";
    /** Below any plain transport: TLS needs configuration, so it is never the silent default. */
    public static final int PRIORITY = PRIORITY_BY_NAME_ONLY;

    /**
     * The tls sockets still open, closed when the bundle stops inside an OSGi framework (tracking is
     * off, and costs one volatile read per socket, elsewhere).
     */
    public static final OpenSocks OPEN_SOCKS = new OpenSocks(TlsTransports.NAME);

    private static volatile Transport shared;

    /** Creates the provider; cheap, all work happens in {@link #transport()}. */
    public TlsTransportProvider() {
        super(TlsTransports.NAME, PRIORITY);
    }

    @Override
    public Throwable unavailabilityCause() {
        String u = underlyingName();
        if (TlsTransports.NAME.equals(u)) {
            return new IllegalStateException(UNDERLYING_PROPERTY + " must name a plain transport, not tls");
        }
        return null;
    }

    private static String underlyingName() {
        String u = System.getProperty(UNDERLYING_PROPERTY);
        return u == null || u.isBlank() ? "nio" : u.trim();
    }

    /**
     * Returns TLS over the underlying transport, configured from system properties (read once).
     *
     * @throws IllegalStateException if the underlying transport is missing or the configuration from
     *     system properties cannot be loaded
     */
    @Override
    public Transport transport() {
        Transport t = shared;
        if (t != null) {
            return t;
        }
        synchronized (TlsTransportProvider.class) {
            if (shared == null) {
                Throwable cause = unavailabilityCause();
                if (cause != null) {
                    throw new IllegalStateException("co: transport 'tls' is unavailable: " + cause.getMessage(), cause);
                }
                Transport underlying;
                try {
                    underlying = Co.transport(underlyingName());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("co: transport 'tls' needs transport '" + underlyingName() + "': "
                            + e.getMessage(), e);
                }
                TlsConfig config = TlsConfig.fromSystemProperties();
                shared = TlsTransports.over(underlying, config);
            }
            return shared;
        }
    }
}
