package co.net.linux.internal;

import co.api.spi.IoBackend;
import co.api.spi.IoBackendProvider;
import co.api.spi.IoHost;
import java.io.IOException;

/**
 * Provides the {@code "epoll"} I/O backend: an affine runtime asked for it ({@code -Dco.io=epoll},
 * or {@code -Dco.transport=epoll}) gives each scheduling thread an {@link EpollBackend}.
 */
public final class EpollBackendProvider implements IoBackendProvider {

    /** Creates the provider; does no work. */
    public EpollBackendProvider() {
    }

    @Override
    public String name() {
        return EpollTransport.NAME;
    }

    @Override
    public Throwable unavailabilityCause() {
        return Availability.cause();
    }

    @Override
    public IoBackend open(IoHost host) throws IOException {
        Availability.requireForOpen(EpollTransport.NAME, Availability.cause());
        return new EpollBackend(host);
    }
}
