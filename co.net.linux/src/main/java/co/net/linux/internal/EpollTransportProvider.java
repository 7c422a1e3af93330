package co.net.linux.internal;

import co.api.Transport;
import co.api.spi.TransportProvider;

/**
 * Provides the {@code "epoll"} transport. It is chosen only when
 * named ({@code -Dco.transport=epoll}, {@code Co.transport("epoll")}); unavailable off Linux or
 * without native access, and says why.
 */
public final class EpollTransportProvider implements TransportProvider {

    private static volatile Transport transport;

    /** Creates the provider; does no work. */
    public EpollTransportProvider() {
    }

    @Override
    public String name() {
        return EpollTransport.NAME;
    }

    @Override
    public int priority() {
        return PRIORITY_BY_NAME_ONLY;
    }

    @Override
    public boolean isAvailable() {
        return Availability.cause() == null;
    }

    @Override
    public Throwable unavailabilityCause() {
        return Availability.cause();
    }

    @Override
    public Transport transport() {
        Throwable cause = Availability.cause();
        if (cause != null) {
            throw new IllegalStateException("co: the epoll transport is unavailable: " + cause.getMessage(), cause);
        }
        Transport t = transport;
        if (t == null) {
            synchronized (EpollTransportProvider.class) {
                t = transport;
                if (t == null) {
                    t = new EpollTransport();
                    transport = t;
                }
            }
        }
        return t;
    }
}
