package co.net.tls;

import co.net.testsuite.FaultSoak;
import co.net.testsuite.SockFactory;

/** The fault-injecting soak over TLS on nio TCP (IPv4). */
class TlsFaultSoakTest extends FaultSoak {

    @Override
    protected SockFactory factory() {
        return new TlsSockFactory("tls-tcp4");
    }

    @Override
    protected boolean tls() {
        return true;
    }
}
