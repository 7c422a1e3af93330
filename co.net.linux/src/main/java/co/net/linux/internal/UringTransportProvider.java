package co.net.linux.internal;

import co.api.Transport;
import co.api.spi.TransportProvider;

/**
 * Provides the {@code "uring"} transport. It is chosen only when named
 * ({@code -Dco.transport=uring}, {@code Co.transport("uring")}); unavailable where io_uring cannot
 * run (off Linux, without native access, {@code kernel.io_uring_disabled}, a seccomp filter, a
 * kernel older than 5.11), and says why.
 */
public final class UringTransportProvider extends LinuxProvider implements TransportProvider {

    private static final Transport TRANSPORT = new NativeTransport(NativeTransport.URING, UringSock::new);

    /** Creates the provider; does no work. */
    public UringTransportProvider() {
        super(NativeTransport.URING, Availability::uringCause);
    }

    @Override
    public String fallback() {
        return NativeTransport.EPOLL;
    }

    @Override
    public Transport transport() {
        requireAvailable();
        return TRANSPORT;
    }
}
