package co.api.internal;

import co.api.Transport;
import co.api.spi.CoRuntime;
import co.api.spi.Provider;
import co.api.spi.SchedulerProvider;
import co.api.spi.TransportProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds scheduler and transport providers as SLF4J does: an explicit system property first, then
 * {@link ServiceLoader}, then a clear error. One selection rule for both kinds, described on
 * {@link Provider}.
 */
public final class Providers {

    private static final System.Logger LOG = System.getLogger("co");

    /** The system property that names the scheduler provider. */
    public static final String SCHEDULER_PROPERTY = "co.scheduler";
    /** The system property that sets the number of schedulers (co's {@code sched_num} flag). */
    public static final String SCHED_NUM_PROPERTY = "co.sched_num";
    /** The system property that names the default transport. */
    public static final String TRANSPORT_PROPERTY = "co.transport";

    private Providers() {
    }

    /**
     * Loads every provider of {@code service} visible to the context class loader and to co.api's
     * own loader, once per name.
     *
     * @param service the service interface
     * @param name how to name a provider
     * @param <S> the service type
     * @return the providers, in discovery order
     */
    static <S> List<S> load(Class<S> service, java.util.function.Function<S, String> name) {
        Map<String, S> found = new LinkedHashMap<>();
        List<ClassLoader> loaders = new ArrayList<>();
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        if (tccl != null) {
            loaders.add(tccl);
        }
        ClassLoader own = Providers.class.getClassLoader();
        if (own != null && own != tccl) {
            loaders.add(own);
        }
        if (loaders.isEmpty()) {
            loaders.add(ClassLoader.getSystemClassLoader());
        }
        for (ClassLoader loader : loaders) {
            var it = ServiceLoader.load(service, loader).iterator();
            while (true) {
                S s;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    s = it.next();
                } catch (ServiceConfigurationError e) {
                    LOG.log(Level.WARNING, "co: skipping a broken " + service.getSimpleName() + ": " + e.getMessage());
                    continue;
                }
                found.putIfAbsent(name.apply(s), s);
            }
        }
        OsgiServices.addTo(service, name, found);        // inside an OSGi framework: its service registry
        return new ArrayList<>(found.values());
    }

    /**
     * Returns every scheduler provider found.
     *
     * @return the providers
     */
    public static List<SchedulerProvider> schedulerProviders() {
        return load(SchedulerProvider.class, SchedulerProvider::name);
    }

    /**
     * Creates the process-wide runtime: the provider named by {@value #SCHEDULER_PROPERTY}, else the
     * available one with the highest priority; a named provider that is unavailable falls back with
     * one warning ({@link co.api.spi.Provider}'s rule).
     *
     * @return a started runtime
     * @throws IllegalStateException if no provider is available, or the property names none
     */
    public static CoRuntime createRuntime() {
        return schedulerProvider().create(schedulerCount());
    }

    /** The scheduler provider configuration selects, chosen (and any warning given) once. */
    private static volatile SchedulerProvider selected;

    /**
     * Returns the scheduler provider configuration selects ({@value #SCHEDULER_PROPERTY}, else the
     * best available), choosing it on the first call.
     *
     * @return the provider
     * @throws IllegalStateException if there is none, or the property names none
     */
    public static SchedulerProvider schedulerProvider() {
        SchedulerProvider p = selected;
        if (p == null) {
            synchronized (Providers.class) {
                p = selected;
                if (p == null) {
                    List<SchedulerProvider> all = schedulerProviders();
                    if (all.isEmpty()) {
                        throw new IllegalStateException("co: no scheduler provider found; put module co.scheduler "
                                + "(or another provider of co.api.spi.SchedulerProvider) on the class or module path");
                    }
                    p = configured(all, "scheduler", SCHEDULER_PROPERTY);
                    selected = p;
                }
            }
        }
        return p;
    }

    /**
     * Returns the poller plain threads wait with: the selected provider's
     * {@link SchedulerProvider#plainThreadPoller()}, which needs no runtime.
     *
     * @return the poller, or null if the provider has none apart from its runtimes
     * @throws IllegalStateException if there is no scheduler provider
     */
    public static co.api.spi.Poller plainThreadPoller() {
        return schedulerProvider().plainThreadPoller();
    }

    /**
     * Creates a runtime of the provider named {@code name} (an explicit lookup: no fallback).
     *
     * @param name the provider's name
     * @param schedulers the number of schedulers
     * @return a started runtime
     * @throws IllegalArgumentException if no provider has that name or it is unavailable
     */
    public static CoRuntime createRuntime(String name, int schedulers) {
        return named(schedulerProviders(), "scheduler provider", name).create(schedulers);
    }

    /**
     * The number of schedulers: {@value #SCHED_NUM_PROPERTY}, else the number of processors.
     *
     * @return at least 1
     */
    public static int schedulerCount() {
        String s = System.getProperty(SCHED_NUM_PROPERTY);
        int cpus = Runtime.getRuntime().availableProcessors();
        if (s == null || s.isBlank()) {
            return cpus;
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        LOG.log(Level.WARNING, "co: ignoring " + SCHED_NUM_PROPERTY + "=" + s + " (want a whole number >= 1)");
        return cpus;
    }

    /**
     * Finds a transport by name (an explicit lookup: no fallback), or the default one for a null
     * name ({@value #TRANSPORT_PROPERTY}, else the best available).
     *
     * @param name the name, or null for the default
     * @return the transport
     * @throws IllegalArgumentException if no available transport has that name
     * @throws IllegalStateException if there is no transport at all, or the property names none
     */
    public static Transport transport(String name) {
        List<TransportProvider> all = load(TransportProvider.class, TransportProvider::name);
        if (name != null) {
            return named(all, "transport", name).transport();
        }
        if (all.isEmpty()) {
            throw new IllegalStateException("co: no transport available; put module co.net.nio "
                    + "(or another provider of co.api.spi.TransportProvider) on the class or module path");
        }
        return configured(all, "transport", TRANSPORT_PROPERTY).transport();
    }

    /**
     * The provider an explicit API call names.
     *
     * @throws IllegalArgumentException if none has that name, or it is unavailable (cause attached)
     */
    static <P extends Provider> P named(List<P> all, String kind, String name) {
        for (P p : all) {
            if (p.name().equals(name)) {
                if (!p.isAvailable()) {
                    Throwable why = p.unavailabilityCause();
                    throw new IllegalArgumentException("co: " + kind + " '" + name + "' is unavailable: "
                            + (why == null ? "no reason given" : why.getMessage()), why);
                }
                return p;
            }
        }
        throw new IllegalArgumentException("co: no such " + kind + " '" + name + "' (found: " + names(all) + ")");
    }

    /**
     * The provider configuration asks for: the one {@code property} names if it is available, else
     * the first available one of its {@link Provider#fallback()} chain, else the best available one, with one warning when a named or better provider had to be passed over.
     *
     * @throws IllegalStateException if the property names no provider, or none is available
     */
    static <P extends Provider> P configured(List<P> all, String kind, String property) {
        String wanted = System.getProperty(property);
        P named = null;
        if (wanted != null && !wanted.isBlank()) {
            for (P p : all) {
                if (p.name().equals(wanted.trim())) {
                    named = p;
                }
            }
            if (named == null) {
                throw new IllegalStateException("co: no " + kind + " provider named '" + wanted + "' (found: "
                        + names(all) + ")");
            }
            if (named.isAvailable()) {
                return named;
            }
        }
        P chosen = named == null ? null : declaredFallback(all, named);
        if (chosen == null) {
            for (P p : all) {
                if (p.isAvailable() && (chosen == null || p.priority() > chosen.priority())) {
                    chosen = p;
                }
            }
        }
        if (chosen == null) {
            IllegalStateException e = new IllegalStateException("co: no " + kind + " provider is available");
            for (P p : all) {
                if (p.unavailabilityCause() != null) {
                    e.addSuppressed(p.unavailabilityCause());
                }
            }
            throw e;
        }
        for (P p : all) {
            if (!p.isAvailable() && (p == named || p.priority() > chosen.priority())) {
                Throwable why = p.unavailabilityCause();
                LOG.log(Level.WARNING, "co: " + kind + " '" + p.name() + "' is unavailable, running on '"
                        + chosen.name() + "' instead: " + (why == null ? "no reason given" : why.getMessage()));
            }
        }
        return chosen;
    }

    /**
     * Follows {@link Provider#fallback()} from {@code start} (unavailable) to the first available
     * provider of the chain, or null when the chain ends, names nobody, or comes back on itself.
     */
    private static <P extends Provider> P declaredFallback(List<P> all, P start) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        seen.add(start.name());
        String next = start.fallback();
        while (next != null && seen.add(next)) {
            P found = null;
            for (P p : all) {
                if (p.name().equals(next)) {
                    found = p;
                }
            }
            if (found == null) {
                return null;
            }
            if (found.isAvailable()) {
                return found;
            }
            next = found.fallback();
        }
        return null;
    }

    private static List<String> names(List<? extends Provider> all) {
        return all.stream().map(Provider::name).toList();
    }
}
