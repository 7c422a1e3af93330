package co.net.linux.internal;

/**
 * A socket of the {@code "epoll"} transport: an {@link FdSock} whose waits, on an epoll scheduling
 * thread, are edge-triggered registrations on that thread's {@link EpollBackend}. Thread rules as
 * {@link FdSock}.
 */
final class EpollSock extends FdSock {

    EpollSock(NativeTransport transport, int af, int fd, boolean connected) {
        super(transport, af, fd, connected);
    }
}
