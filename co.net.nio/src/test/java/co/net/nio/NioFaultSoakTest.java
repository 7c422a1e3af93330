package co.net.nio;

import co.net.testsuite.FaultSoak;
import co.net.testsuite.SockFactory;

/** The fault-injecting soak over nio TCP (IPv4). */
class NioFaultSoakTest extends FaultSoak {

    @Override
    protected SockFactory factory() {
        return new NioSockFactory("nio-tcp4");
    }

    @Override
    protected boolean tls() {
        return false;
    }
}
