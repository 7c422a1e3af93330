package co.scheduler.internal;

import co.api.spi.IoBackend;
import co.api.spi.IoBackendProvider;
import co.api.spi.SelectorBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses and opens the {@link IoBackend} of each scheduling thread of an affine runtime: the one
 * named by the system property {@code co.io}, else the one named like the transport in
 * {@code co.transport} if an {@link IoBackendProvider} of that name exists, else the JDK selector.
 * A named backend that cannot run falls back (uring, then epoll, then the selector) with one
 * {@code System.Logger} warning that names the cause; so does one that fails to open.
 *
 * <p>Called once per runtime, on the thread that creates it.
 */
final class IoBackends {

    /** The system property that names the I/O backend of affine schedulers. */
    static final String PROPERTY = "co.io";
    /** The default backend's name. */
    static final String NIO = "nio";

    private static final System.Logger LOG = System.getLogger("co");

    private IoBackends() {
    }

    /** The backend name this process asks for: {@code co.io}, else {@code co.transport}, else nio. */
    static String wanted() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            name = System.getProperty("co.transport");
        }
        return name == null || name.isBlank() ? NIO : name.trim();
    }

    /**
     * Gives every scheduler its backend.
     *
     * @param schedulers the runtime's schedulers, not started
     * @throws UncheckedIOException if not even the JDK selector can be opened
     */
    static void open(AffineScheduler[] schedulers) {
        String name = wanted();
        boolean explicit = System.getProperty(PROPERTY) != null && !System.getProperty(PROPERTY).isBlank();
        if (!name.equals(NIO)) {
            List<IoBackendProvider> found = providers();
            List<String> chain = name.equals("uring") ? List.of("uring", "epoll") : List.of(name);
            StringBuilder why = new StringBuilder();
            for (String candidate : chain) {
                IoBackendProvider p = find(found, candidate);
                if (p == null) {
                    if (explicit || candidate.equals("uring") || candidate.equals("epoll")) {
                        append(why, candidate, "no provider of that name (is co.net.linux on the path?)");
                    }
                    continue;
                }
                if (!p.isAvailable()) {
                    Throwable cause = p.unavailabilityCause();
                    append(why, candidate, cause == null ? "unavailable" : String.valueOf(cause.getMessage()));
                    continue;
                }
                IOException failed = openAll(p, schedulers);
                if (failed == null) {
                    if (why.length() > 0) {
                        LOG.log(Level.WARNING, "co: I/O backend '" + name + "' cannot run, using '" + candidate
                                + "': " + why);
                    }
                    return;
                }
                append(why, candidate, "failed to set up: " + failed.getMessage());
            }
            if (why.length() > 0) {
                LOG.log(Level.WARNING, "co: I/O backend '" + name + "' cannot run, using the JDK selector: " + why);
            }
        }
        for (int i = 0; i < schedulers.length; i++) {
            try {
                schedulers[i].backend(new SelectorBackend(schedulers[i]));
            } catch (IOException e) {
                for (int j = 0; j < i; j++) {
                    schedulers[j].backend().close();
                }
                throw new UncheckedIOException("co: cannot open a selector for scheduler " + i, e);
            }
        }
    }

    private static void append(StringBuilder why, String name, String cause) {
        if (why.length() > 0) {
            why.append("; ");
        }
        why.append(name).append(": ").append(cause);
    }

    /** Opens one backend per scheduler, all or none. */
    private static IOException openAll(IoBackendProvider p, AffineScheduler[] schedulers) {
        IoBackend[] made = new IoBackend[schedulers.length];
        for (int i = 0; i < schedulers.length; i++) {
            try {
                made[i] = p.open(schedulers[i]);
            } catch (IOException | RuntimeException | LinkageError e) {
                for (int j = 0; j < i; j++) {
                    made[j].close();
                }
                return e instanceof IOException io ? io : new IOException(e.toString(), e);
            }
        }
        for (int i = 0; i < schedulers.length; i++) {
            schedulers[i].backend(made[i]);
        }
        return null;
    }

    private static IoBackendProvider find(List<IoBackendProvider> all, String name) {
        for (IoBackendProvider p : all) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Every backend provider visible to the context class loader or to this module. */
    static List<IoBackendProvider> providers() {
        List<IoBackendProvider> found = new ArrayList<>();
        List<ClassLoader> loaders = new ArrayList<>();
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        if (tccl != null) {
            loaders.add(tccl);
        }
        ClassLoader own = IoBackends.class.getClassLoader();
        if (own != null && own != tccl) {
            loaders.add(own);
        }
        for (ClassLoader loader : loaders) {
            var it = ServiceLoader.load(IoBackendProvider.class, loader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    IoBackendProvider p = it.next();
                    if (find(found, p.name()) == null) {
                        found.add(p);
                    }
                } catch (ServiceConfigurationError e) {
                    LOG.log(Level.WARNING, "co: skipping a broken IoBackendProvider: " + e.getMessage());
                }
            }
        }
        return found;
    }
}
