package co.net.tls;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.nio.NioSockFactory;
import co.net.testsuite.SockFactory;
import java.net.ProtocolFamily;
import java.net.SocketAddress;

/**
 * TLS over nio for the transport-agnostic {@link co.net.testsuite.SockSuite}: {@code tls-tcp4},
 * {@code tls-tcp6}, {@code tls-unix}. The client checks the test CA and the name {@code localhost}.
 */
public final class TlsSockFactory implements SockFactory {

    private final String name;
    private final NioSockFactory plain;
    private final Transport tls;

    /**
     * Creates the factory of a variant.
     *
     * @param name {@code tls-tcp4}, {@code tls-tcp6} or {@code tls-unix}
     */
    public TlsSockFactory(String name) {
        this.name = name;
        this.plain = new NioSockFactory("nio-" + name.substring("tls-".length()));
        TestPki pki = TestPki.get();
        this.tls = TlsTransports.over(Co.transport("nio"), pki.server().build(),
                pki.client().serverName("localhost").build());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProtocolFamily family() {
        return plain.family();
    }

    @Override
    public Sock serverSocket() {
        return tls.socket(family(), Sock.Type.STREAM);
    }

    @Override
    public Sock clientSocket() {
        return tls.socket(family(), Sock.Type.STREAM);
    }

    @Override
    public SocketAddress bindAddress() {
        return plain.bindAddress();
    }

    @Override
    public SocketAddress refusedAddress() {
        return plain.refusedAddress();
    }

    @Override
    public boolean plainWire() {
        return false;
    }

    /**
     * 100 concurrent TLS connections in CI, 10,000 in the full run: each is a full handshake on both
     * sides of the same two cores, so 10,000 take about a minute, more than CI's budget.
     * (Handshakes no longer time out in such a burst: the listener admits a bounded number at a
     * time and the handshake timeout counts only waits for the peer; see TlsStormSoak for 10,000 at
     * once.)
     */
    @Override
    public int manyConnections() {
        return Boolean.getBoolean("co.tls.full") ? 10_000 : 100;
    }

    @Override
    public boolean connectCanStall() {
        return plain.connectCanStall();
    }

    @Override
    public void close() {
        plain.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
