package co.net.linux.internal.osgi;

import co.api.spi.osgi.ProviderActivator;
import co.net.linux.internal.EpollTransportProvider;
import co.net.linux.internal.UringTransportProvider;

/**
 * Inside an OSGi framework, publishes the {@code epoll} and {@code uring} transport providers in the service registry
 * while the bundle is active, and closes their open sockets when it stops (see
 * {@link ProviderActivator}). Named by the bundle's
 * {@code Bundle-Activator} header; outside a framework nothing loads this class.
 *
 * <p>The transport works in the framework when its JVM has native access for the bundles' unnamed
 * modules ({@code --enable-native-access=ALL-UNNAMED}); without it the provider is registered,
 * unavailable, and says why. The epoll I/O backend of the affine schedulers ({@code co.io=epoll})
 * is looked up by {@code co.scheduler} through {@code ServiceLoader} only, so inside a framework it
 * needs a Service Loader Mediator; epoll sockets work on any scheduler without it.
 */
public final class LinuxActivator extends ProviderActivator {

    /** Creates the activator; the framework calls this. */
    public LinuxActivator() {
        super(EpollTransportProvider.OPEN_SOCKS, new EpollTransportProvider(), new UringTransportProvider());
    }
}
