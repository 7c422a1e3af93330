package co.itests.osgi.custom;

import co.api.Co;
import co.api.Transport;
import co.api.spi.TransportProvider;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A third-party transport bundle that is found only through the OSGi service registry: no
 * {@code META-INF/services}, no {@code osgi.serviceloader} capability, just a service registered by
 * its activator. The transport {@code "custom"} hands out the sockets of {@code "nio"}, which is
 * enough to prove that co finds and uses a provider it learnt about only from the registry.
 */
public final class CustomTransportActivator implements BundleActivator {

    private ServiceRegistration<TransportProvider> registration;

    @Override
    public void start(BundleContext context) {
        registration = context.registerService(TransportProvider.class, new Provider(), null);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
    }

    /** The provider of {@code "custom"}; public for the bundle built from these classes. */
    public static final class Provider implements TransportProvider {
        @Override
        public String name() {
            return "custom";
        }

        @Override
        public int priority() {
            return -100;                                 // never the default transport
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public Throwable unavailabilityCause() {
            return null;
        }

        @Override
        public Transport transport() {
            return Co.transport("nio");
        }
    }
}
