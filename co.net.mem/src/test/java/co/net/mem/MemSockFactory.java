package co.net.mem;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.SockFactory;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "mem" transport for {@link co.net.testsuite.SockSuite}: {@code mem-name} binds
 * {@link MemAddress#ANY}, {@code mem-inet} binds {@code 127.0.0.1:0} (code written for TCP, unchanged).
 */
public final class MemSockFactory implements SockFactory {

    private static final AtomicInteger NOBODY = new AtomicInteger();

    private final String name;
    private final Transport transport;

    /**
     * Creates the factory of a variant.
     *
     * @param name {@code mem-name} or {@code mem-inet}
     */
    public MemSockFactory(String name) {
        if (!name.equals("mem-name") && !name.equals("mem-inet")) {
            throw new IllegalArgumentException(name);
        }
        this.name = name;
        this.transport = Co.transport(MemTransports.NAME);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProtocolFamily family() {
        return StandardProtocolFamily.INET;
    }

    @Override
    public Sock serverSocket() {
        return transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
    }

    @Override
    public Sock clientSocket() {
        return transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
    }

    @Override
    public SocketAddress bindAddress() {
        return name.equals("mem-name") ? MemAddress.ANY : Co.initIpAddr("127.0.0.1", 0);
    }

    @Override
    public SocketAddress refusedAddress() {
        return name.equals("mem-name") ? MemAddress.of("nobody-" + NOBODY.incrementAndGet())
                : Co.initIpAddr("127.0.0.1", 1);
    }

    @Override
    public boolean plainWire() {
        return false;                                    // no JDK channel can be the peer of a mem socket
    }

    @Override
    public boolean connectCanStall() {
        return false;                                    // the suite's stalled connect needs a JDK listener
    }

    @Override
    public int manyConnections() {
        return 0;                                        // mem sockets live in one JVM; see MemTransportTest
    }

    @Override
    public void close() {
        // Nothing to remove: names are released when their sockets close.
    }

    @Override
    public String toString() {
        return name;
    }
}
