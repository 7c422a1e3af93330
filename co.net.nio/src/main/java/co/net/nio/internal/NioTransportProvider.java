package co.net.nio.internal;

import co.api.Transport;
import co.api.spi.NamedProvider;
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

    /** Creates the provider. */
    public NioTransportProvider() {
        super(NAME, PRIORITY_DEFAULT);
    }

    @Override
    public Transport transport() {
        return NioTransport.INSTANCE;
    }
}
