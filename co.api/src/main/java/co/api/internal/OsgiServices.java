package co.api.internal;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.function.Function;

/**
 * The OSGi service registry as a second source of providers, beside {@link java.util.ServiceLoader}.
 * Inside a framework, provider bundles register their {@code SchedulerProvider} and
 * {@code TransportProvider} objects as services when they start (no Service Loader Mediator needed)
 * and the registry withdraws them when they stop. Outside a framework (class path, module path) this
 * class only finds that co.api's class loader is not a bundle's and loads no OSGi class.
 */
final class OsgiServices {

    private static final System.Logger LOG = System.getLogger("co");

    /** Whether co.api was loaded by an OSGi bundle's class loader; decided once. */
    private static final boolean IN_FRAMEWORK = loadedByABundle(OsgiServices.class.getClassLoader());

    private static volatile boolean broken;

    private OsgiServices() {
    }

    /**
     * Adds the providers of {@code service} registered in the framework to {@code found}, each under its
     * name unless a provider of that name is there already (one provider found both by SPI Fly's
     * woven {@code ServiceLoader} and in the registry counts once). Outside a framework does nothing.
     *
     * @param service the service interface
     * @param name how to name a provider
     * @param found the providers found so far, by name; added to
     * @param <S> the service type
     */
    static <S> void addTo(Class<S> service, Function<S, String> name, Map<String, S> found) {
        if (!IN_FRAMEWORK || broken) {
            return;
        }
        try {
            OsgiRegistry.addTo(service, name, found);
        } catch (LinkageError e) {
            // co.api's optional import of org.osgi.framework was not wired: only ServiceLoader is left.
            broken = true;
            LOG.log(Level.WARNING, "co: the OSGi service registry is out of reach (org.osgi.framework not "
                    + "imported); finding providers through ServiceLoader only: " + e);
        }
    }

    private static boolean loadedByABundle(ClassLoader loader) {
        for (Class<?> c = loader == null ? null : loader.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals("org.osgi.framework.BundleReference")) {
                    return true;
                }
            }
        }
        return false;
    }
}
