package co.net.linux.internal;

/**
 * Provides the {@code "epoll"} I/O backend: an affine runtime asked for it ({@code -Dco.io=epoll},
 * or {@code -Dco.transport=epoll}) gives each scheduling thread an {@link EpollBackend}.
 */
public final class EpollBackendProvider extends LinuxBackendProvider {

    /** Creates the provider; does no work. */
    public EpollBackendProvider() {
        super(NativeTransport.EPOLL, Availability::cause, EpollBackend::new);
    }
}
