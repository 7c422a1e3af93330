package co.api.spi.osgi;

import co.api.spi.IoBackendProvider;
import co.api.spi.OpenSocks;
import co.api.spi.Provider;
import co.api.spi.SchedulerProvider;
import co.api.spi.TransportProvider;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The {@code Bundle-Activator} of a provider bundle: when the bundle starts it registers each of its
 * providers in the OSGi service registry, under each SPI interface the provider implements
 * ({@link SchedulerProvider}, {@link TransportProvider}, {@link IoBackendProvider}) with the service
 * property {@value #NAME_PROPERTY}, so that {@code co.api} finds them with no Service Loader
 * Mediator installed. When the bundle stops it withdraws them and closes the sockets its
 * transports still have open (their {@link OpenSocks}): a coroutine blocked on one wakes with -1
 * and {@link co.api.Errno#EBADF}, and the next {@code Co.transport(name)} fails with "no such
 * transport".
 *
 * <p>A provider bundle subclasses it with a public no-argument constructor and names the subclass
 * in its {@code Bundle-Activator} header:
 *
 * <pre>{@code
 * public final class MyActivator extends ProviderActivator {
 *     public MyActivator() {
 *         super(MyTransport.OPEN_SOCKS, new MyTransportProvider());
 *     }
 * }
 * }</pre>
 *
 * <p>Only for OSGi: this package needs {@code org.osgi.framework} (an optional import of
 * {@code co.api}, {@code requires static osgi.core} in its module), and nothing outside a framework
 * loads it. The framework creates one instance per start of the bundle and calls {@link #start} and
 * {@link #stop} on its own thread, never both at once.
 */
@SuppressWarnings("exports")    // BundleActivator and BundleContext: osgi.core is for bundles only (requires static)
public abstract class ProviderActivator implements BundleActivator {

    /** The service property that carries the provider's {@link Provider#name()}. */
    public static final String NAME_PROPERTY = "co.provider.name";

    private static final List<Class<? extends Provider>> SERVICES =
            List.of(SchedulerProvider.class, TransportProvider.class, IoBackendProvider.class);

    private final List<Provider> providers;
    private final List<OpenSocks> sockets;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /**
     * An activator for providers that make no sockets (schedulers).
     *
     * @param providers the providers to register, in order
     */
    protected ProviderActivator(Provider... providers) {
        this(List.of(), providers);
    }

    /**
     * An activator for transport providers whose open sockets are closed when the bundle stops.
     *
     * @param sockets the open sockets of the bundle's transports
     * @param providers the providers to register, in order
     */
    protected ProviderActivator(OpenSocks sockets, Provider... providers) {
        this(List.of(sockets), providers);
    }

    private ProviderActivator(List<OpenSocks> sockets, Provider... providers) {
        this.sockets = sockets;
        this.providers = List.of(providers);
        for (Provider p : this.providers) {
            if (SERVICES.stream().noneMatch(s -> s.isInstance(p))) {
                throw new IllegalArgumentException("co: " + p.getClass().getName() + " implements none of " + SERVICES);
            }
        }
    }

    /**
     * Starts tracking the transports' sockets, then registers every provider.
     *
     * @param context the bundle's context
     */
    @Override
    public final synchronized void start(BundleContext context) {
        Objects.requireNonNull(context, "context");
        for (OpenSocks s : sockets) {
            s.track();
        }
        for (Provider p : providers) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(NAME_PROPERTY, p.name());
            for (Class<? extends Provider> service : SERVICES) {
                if (service.isInstance(p)) {
                    registrations.add(context.registerService(service.getName(), p, props));
                }
            }
        }
    }

    /**
     * Withdraws every provider, then closes the sockets the transports still have open.
     *
     * @param context the bundle's context
     */
    @Override
    public final synchronized void stop(BundleContext context) {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
        for (OpenSocks s : sockets) {
            s.closeAll();
        }
    }
}
