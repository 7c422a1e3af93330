package co.net.tls;

import co.net.testsuite.SockFactory;
import co.net.testsuite.SockSuite;
import java.util.List;

/**
 * The transport-agnostic suite, unchanged, over TLS on nio TCP (IPv4, IPv6) and Unix-domain sockets.
 * The many-connections case opens {@link TlsSockFactory#manyConnections()} TLS connections: 100 in
 * CI, 10,000 in the full run ({@code -Dco.tls.full=true}, Maven profile
 * {@code tls-full}), since 10,000 full handshakes do not fit the suite's time limit on a 2-core CI
 * machine.
 */
class TlsSockSuiteTest extends SockSuite {

    @Override
    protected List<SockFactory> factories() {
        return List.of(new TlsSockFactory("tls-tcp4"), new TlsSockFactory("tls-tcp6"), new TlsSockFactory("tls-unix"));
    }
}
