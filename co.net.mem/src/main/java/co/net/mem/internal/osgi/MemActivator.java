package co.net.mem.internal.osgi;

import co.api.spi.osgi.ProviderActivator;
import co.net.mem.internal.MemTransportProvider;

/**
 * Inside an OSGi framework, publishes the {@code mem} transport provider in the service registry
 * while the bundle is active, and closes the mem sockets still open when it stops (see
 * {@link ProviderActivator}). Named by the bundle's {@code Bundle-Activator} header; outside a
 * framework nothing loads this class.
 */
public final class MemActivator extends ProviderActivator {

    /** Creates the activator; the framework calls this. */
    public MemActivator() {
        super(MemTransportProvider.OPEN_SOCKS, new MemTransportProvider());
    }
}
