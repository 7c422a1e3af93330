package co.net.linux.internal;

import co.api.Transport;
import co.api.spi.TransportProvider;

/**
 * Provides the {@code "uring"} transport. It is chosen only when named
 * ({@code -Dco.transport=uring}, {@code Co.transport("uring")}); unavailable where io_uring cannot
 * run (off Linux, without native access, {@code kernel.io_uring_disabled}, a seccomp filter, a
 * kernel older than 5.11), and says why.
 */
public final class UringTransportProvider implements TransportProvider {

    private static final Transport TRANSPORT = new UringTransport();

    /** Creates the provider; does no work. */
    public UringTransportProvider() {
    }

    @Override
    public String name() {
        return UringTransport.NAME;
    }

    @Override
    public String fallback() {
        return EpollTransport.NAME;
    }

    @Override
    public int priority() {
        return PRIORITY_BY_NAME_ONLY;
    }

    @Override
    public Throwable unavailabilityCause() {
        return Availability.uringCause();
    }

    @Override
    public Transport transport() {
        requireAvailable();
        return TRANSPORT;
    }
}
