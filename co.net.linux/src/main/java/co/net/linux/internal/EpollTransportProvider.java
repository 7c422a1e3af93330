package co.net.linux.internal;

import co.api.Transport;
import co.api.spi.OpenSocks;
import co.api.spi.TransportProvider;

/**
 * Provides the {@code "epoll"} transport. It is chosen only when named
 * ({@code -Dco.transport=epoll}, {@code Co.transport("epoll")}); unavailable off Linux or without
 * native access, and says why.
 */
public final class EpollTransportProvider extends LinuxProvider implements TransportProvider {

    /**
     * The epoll and uring sockets still open (both transports), closed when co.net.linux's bundle
     * stops inside an OSGi framework (tracking is off, and costs one volatile read per socket,
     * elsewhere).
     */
    public static final OpenSocks OPEN_SOCKS = new OpenSocks("epoll/uring");

    private static final Transport TRANSPORT = new NativeTransport(NativeTransport.EPOLL, EpollSock::new);

    /** Creates the provider; does no work. */
    public EpollTransportProvider() {
        super(NativeTransport.EPOLL, Availability::cause);
    }

    @Override
    public Transport transport() {
        requireAvailable();
        return TRANSPORT;
    }
}
