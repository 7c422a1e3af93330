package co.net.linux.internal;

import co.api.spi.NamedProvider;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * What co.net.linux's providers (the epoll and uring transports and I/O backends) share: a name, the
 * priority of a provider chosen only when named, and the availability check their native code
 * needs ({@link Availability}), which each states as a cause.
 *
 * <p>Thread safety: immutable; the cause is computed once by {@link Availability} and cached there.
 */
abstract class LinuxProvider extends NamedProvider {

    private final Supplier<Throwable> cause;

    /**
     * Sets the name and where the cause of unavailability comes from.
     *
     * @param name the transport's or backend's name
     * @param cause {@link Availability#cause()} or {@link Availability#uringCause()}
     */
    LinuxProvider(String name, Supplier<Throwable> cause) {
        super(name, PRIORITY_BY_NAME_ONLY);
        this.cause = cause;
    }

    @Override
    public final Throwable unavailabilityCause() {
        return cause.get();
    }

    /**
     * Before a backend opens: fails, with the cause, if this provider is unavailable.
     *
     * @throws IOException naming the cause
     */
    final void requireForOpen() throws IOException {
        Availability.requireForOpen(name(), cause.get());
    }
}
