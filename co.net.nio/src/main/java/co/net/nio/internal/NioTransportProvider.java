package co.net.nio.internal;

import co.api.Transport;
import co.api.spi.NamedProvider;
import co.api.spi.OpenSocks;
import co.api.spi.TransportProvider;

/**
 * Provides the {@code "nio"} transport to {@link java.util.ServiceLoader}: plain TCP, UDP and
 * Unix-domain sockets. It needs nothing but the JDK, so it is always available, and its priority
 * makes it the default transport.
 *
 * <p>Thread safety: stateless; any thread.
 */
public final class NioTransportProvider extends NamedProvider implements TransportProvider {

    /** The name users select this transport by. */
    public static final String NAME = "nio";

    /**
     * The nio sockets still open, closed when the bundle stops inside an OSGi framework (tracking is
     * off, and costs one volatile read per socket, elsewhere).
     */
    public static final OpenSocks OPEN_SOCKS = new OpenSocks(NAME);

    /** Creates the provider. */
    public NioTransportProvider() {
        super(NAME, PRIORITY_DEFAULT);
    }

    @Override
    public Transport transport() {
        return NioTransport.INSTANCE;
    }
}
