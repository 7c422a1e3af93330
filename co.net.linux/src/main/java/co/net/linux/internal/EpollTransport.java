package co.net.linux.internal;

/**
 * The {@code "epoll"} transport: {@link EpollSock}s. Thread-safe.
 */
final class EpollTransport extends NativeTransport {

    static final String NAME = "epoll";

    EpollTransport() {
        super(NAME);
    }

    @Override
    FdSock wrap(int af, int fd) {
        return new EpollSock(this, af, fd, false);
    }
}
