package co.api.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The OSGi half of {@link OsgiServices}; only loaded inside a framework. Each lookup asks the
 * registry anew, through co.api's own bundle context, so a provider bundle started later is found
 * and a stopped one is not.
 */
final class OsgiRegistry {

    private OsgiRegistry() {
    }

    static <S> void addTo(Class<S> service, Function<S, String> name, Map<String, S> found) {
        Bundle self = FrameworkUtil.getBundle(OsgiRegistry.class);
        BundleContext context = self == null ? null : self.getBundleContext();
        if (context == null) {
            return;                                      // co.api resolved but not started: no context
        }
        List<ServiceReference<S>> refs;
        try {
            refs = new ArrayList<>(context.getServiceReferences(service, null));
        } catch (InvalidSyntaxException e) {
            throw new AssertionError("no filter was given", e);
        } catch (IllegalStateException stopping) {
            return;                                      // co.api's bundle is stopping
        }
        // Highest service ranking first (ServiceReference orders by ranking, then by age).
        Collections.sort(refs, Collections.reverseOrder());
        for (ServiceReference<S> ref : refs) {
            S provider;
            try {
                provider = context.getService(ref);
            } catch (IllegalStateException stopping) {
                return;
            }
            if (provider == null) {
                continue;                                // unregistered meanwhile
            }
            try {
                found.putIfAbsent(name.apply(provider), provider);
            } finally {
                // Providers are plain singletons: the object stays usable; holding no use count lets the
                // registry forget the bundle as soon as it stops.
                context.ungetService(ref);
            }
        }
    }
}
