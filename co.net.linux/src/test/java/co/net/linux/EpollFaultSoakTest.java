package co.net.linux;

import co.net.testsuite.FaultSoak;
import co.net.testsuite.SockFactory;

/**
 * The fault-injecting soak (issue 15 section 2) over the epoll transport, TCP over IPv4: the same
 * faults, checks and leak counts as over nio and TLS (docs/reliability.md).
 */
class EpollFaultSoakTest extends FaultSoak {

    @Override
    protected SockFactory factory() {
        return new NativeSockFactory("epoll-tcp4");
    }

    @Override
    protected boolean tls() {
        return false;
    }
}
