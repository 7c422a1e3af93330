package co.net.nio;

import co.net.testsuite.SockFactory;
import co.net.testsuite.SockSuite;
import java.util.List;

/** The transport-agnostic suite over nio: TCP on 127.0.0.1, TCP on ::1, and Unix-domain sockets. */
class NioSockSuiteTest extends SockSuite {

    @Override
    protected List<SockFactory> factories() {
        return List.of(new NioSockFactory("nio-tcp4"), new NioSockFactory("nio-tcp6"), new NioSockFactory("nio-unix"));
    }
}
