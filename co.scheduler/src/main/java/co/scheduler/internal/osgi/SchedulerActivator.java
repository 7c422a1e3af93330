package co.scheduler.internal.osgi;

import co.api.spi.osgi.ProviderActivator;
import co.scheduler.internal.AffineProvider;
import co.scheduler.internal.VirtualProvider;

/**
 * Inside an OSGi framework, publishes the {@code affine} and {@code virtual} scheduler providers in
 * the service registry while the bundle is active (see {@link ProviderActivator}). Named by the
 * bundle's {@code Bundle-Activator} header; outside a framework nothing loads this class.
 */
public final class SchedulerActivator extends ProviderActivator {

    /** Creates the activator; the framework calls this. */
    public SchedulerActivator() {
        super(new AffineProvider(), new VirtualProvider());
    }
}
