package co.scheduler.internal.osgi;

import co.api.spi.SchedulerProvider;
import co.scheduler.internal.AffineProvider;
import co.scheduler.internal.VirtualProvider;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Inside an OSGi framework, publishes the {@code affine} and {@code virtual} scheduler providers in
 * the service registry when the bundle starts and withdraws them when it stops, so that {@code co.api} finds them with no Service Loader Mediator
 * (SPI Fly) installed. Named by the bundle's {@code Bundle-Activator} header; outside a framework
 * nothing loads this class.
 */
public final class SchedulerActivator implements BundleActivator {

    private final List<ServiceRegistration<SchedulerProvider>> registrations = new ArrayList<>();

    /** Creates the activator; the framework calls this. */
    public SchedulerActivator() {
    }

    @Override
    public synchronized void start(BundleContext context) {
        register(context, new AffineProvider());
        register(context, new VirtualProvider());
    }

    private void register(BundleContext context, SchedulerProvider provider) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("co.provider.name", provider.name());
        registrations.add(context.registerService(SchedulerProvider.class, provider, props));
    }

    @Override
    public synchronized void stop(BundleContext context) {
        for (ServiceRegistration<SchedulerProvider> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
    }
}
