package co.net.linux;

import co.net.testsuite.SockFactory;
import co.net.testsuite.SockSuite;
import java.util.List;

/**
 * The transport-agnostic suite over epoll: TCP on 127.0.0.1 and ::1, Unix-domain sockets, and TLS
 * over epoll. This module's tests run with {@code -Dco.io=epoll}, so the affine cases wait on each
 * scheduling thread's epoll backend; the virtual cases wait on the shared epoll poller.
 */
class EpollSockSuiteTest extends SockSuite {

    @Override
    protected List<SockFactory> factories() {
        return List.of(new NativeSockFactory("epoll-tcp4"), new NativeSockFactory("epoll-tcp6"),
                new NativeSockFactory("epoll-unix"), new TlsOverNativeSockFactory("tls-over-epoll"));
    }
}
