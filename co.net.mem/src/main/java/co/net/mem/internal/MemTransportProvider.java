package co.net.mem.internal;

import co.api.Transport;
import co.api.spi.NamedProvider;
import co.api.spi.OpenSocks;
import co.api.spi.TransportProvider;
import co.net.mem.MemTransports;

/**
 * Provides the {@code "mem"} transport to {@link java.util.ServiceLoader} (module-info
 * {@code provides}, {@code META-INF/services}, and the OSGi Service Loader Mediator). It needs
 * nothing but the JDK, so it is always available; its low priority keeps it from ever becoming the
 * default transport: it is used only when asked for by name.
 *
 * <p>Thread safety: stateless; any thread.
 */
public final class MemTransportProvider extends NamedProvider implements TransportProvider {

    /**
     * The mem sockets still open, closed when the bundle stops inside an OSGi framework (tracking is
     * off, and costs one volatile read per socket, elsewhere).
     */
    public static final OpenSocks OPEN_SOCKS = new OpenSocks(MemTransports.NAME);

    /** Creates the provider. */
    public MemTransportProvider() {
        super(MemTransports.NAME, PRIORITY_BY_NAME_ONLY);
    }

    @Override
    public Transport transport() {
        return MemTransport.INSTANCE;
    }
}
