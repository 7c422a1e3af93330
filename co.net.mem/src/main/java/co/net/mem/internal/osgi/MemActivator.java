package co.net.mem.internal.osgi;

import co.api.spi.TransportProvider;
import co.net.mem.internal.MemTransportProvider;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Inside an OSGi framework, publishes the {@code mem} transport provider in the service registry when the bundle starts and
 * withdraws it when it stops, so that {@code co.api} finds it with no Service Loader Mediator
 * (SPI Fly) installed. Named by the bundle's {@code Bundle-Activator} header; outside a framework
 * nothing loads this class.
 */
public final class MemActivator implements BundleActivator {

    private final List<ServiceRegistration<TransportProvider>> registrations = new ArrayList<>();

    /** Creates the activator; the framework calls this. */
    public MemActivator() {
    }

    @Override
    public synchronized void start(BundleContext context) {
        register(context, new MemTransportProvider());
    }

    private void register(BundleContext context, TransportProvider provider) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("co.provider.name", provider.name());
        registrations.add(context.registerService(TransportProvider.class, provider, props));
    }

    @Override
    public synchronized void stop(BundleContext context) {
        for (ServiceRegistration<TransportProvider> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
    }
}
