package co.net.linux;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.nio.NioSockFactory;
import co.net.testsuite.SockFactory;
import java.net.ProtocolFamily;
import java.net.SocketAddress;

/**
 * A native transport for {@link co.net.testsuite.SockSuite}: {@code epoll-tcp4},
 * {@code epoll-tcp6}, {@code epoll-unix}, and the same with {@code uring-}. Addresses come from the
 * nio factory of the same family.
 */
public final class NativeSockFactory implements SockFactory {

    private final String name;
    private final NioSockFactory addresses;
    private final Transport transport;

    /**
     * Creates the factory of a variant.
     *
     * @param name the transport, a dash, and {@code tcp4}, {@code tcp6} or {@code unix}
     */
    public NativeSockFactory(String name) {
        int dash = name.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException(name);
        }
        this.name = name;
        this.addresses = new NioSockFactory("nio-" + name.substring(dash + 1));
        this.transport = Co.transport(name.substring(0, dash));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProtocolFamily family() {
        return addresses.family();
    }

    @Override
    public Sock serverSocket() {
        return transport.socket(family(), Sock.Type.STREAM);
    }

    @Override
    public Sock clientSocket() {
        return transport.socket(family(), Sock.Type.STREAM);
    }

    @Override
    public SocketAddress bindAddress() {
        return addresses.bindAddress();
    }

    @Override
    public SocketAddress refusedAddress() {
        return addresses.refusedAddress();
    }

    @Override
    public boolean plainWire() {
        return true;
    }

    @Override
    public boolean connectCanStall() {
        return true;                     // TCP drops the SYN; Unix retries EAGAIN until the timeout
    }

    @Override
    public int manyConnections() {
        // uring: 2,000 (thousands of ring operations in flight, within the CI time budget); the
        // accept and descriptor path past that is FdSock's, which epoll's 10,000 cover.
        return name.startsWith("uring-") ? 2_000 : 10_000;
    }

    @Override
    public void close() {
        addresses.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
