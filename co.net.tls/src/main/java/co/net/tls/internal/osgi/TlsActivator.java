package co.net.tls.internal.osgi;

import co.api.spi.osgi.ProviderActivator;
import co.net.tls.internal.TlsTransportProvider;

/**
 * Inside an OSGi framework, publishes the {@code tls} transport provider in the service registry
 * while the bundle is active, and closes the TLS sockets still open when it stops (see
 * {@link ProviderActivator}). Named by the bundle's {@code Bundle-Activator} header; outside a
 * framework nothing loads this class.
 */
public final class TlsActivator extends ProviderActivator {

    /** Creates the activator; the framework calls this. */
    public TlsActivator() {
        super(TlsTransportProvider.OPEN_SOCKS, new TlsTransportProvider());
    }
}
