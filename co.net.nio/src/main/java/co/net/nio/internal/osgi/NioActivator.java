package co.net.nio.internal.osgi;

import co.api.spi.osgi.ProviderActivator;
import co.net.nio.internal.NioTransportProvider;

/**
 * Inside an OSGi framework, publishes the {@code nio} transport provider in the service registry
 * while the bundle is active, and closes the nio sockets still open when it stops (see
 * {@link ProviderActivator}). Named by the bundle's {@code Bundle-Activator} header; outside a
 * framework nothing loads this class.
 */
public final class NioActivator extends ProviderActivator {

    /** Creates the activator; the framework calls this. */
    public NioActivator() {
        super(NioTransportProvider.OPEN_SOCKS, new NioTransportProvider());
    }
}
