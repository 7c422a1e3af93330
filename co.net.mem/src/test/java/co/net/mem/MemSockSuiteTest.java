package co.net.mem;

import co.net.testsuite.SockFactory;
import co.net.testsuite.SockSuite;
import java.util.List;

/** The transport-agnostic suite over "mem": by name, with TCP-style addresses, and with TLS on top. */
class MemSockSuiteTest extends SockSuite {

    @Override
    protected List<SockFactory> factories() {
        return List.of(new MemSockFactory("mem-name"), new MemSockFactory("mem-inet"),
                new TlsOverMemSockFactory("tls-over-mem"));
    }

}
