package co.net.linux;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.nio.NioSockFactory;
import co.net.testsuite.SockFactory;
import java.net.ProtocolFamily;
import java.net.SocketAddress;

/**
 * The epoll transport for {@link co.net.testsuite.SockSuite}: {@code epoll-tcp4},
 * {@code epoll-tcp6}, {@code epoll-unix}. Addresses come from the nio factory of the same family.
 */
public final class EpollSockFactory implements SockFactory {

    private final String name;
    private final NioSockFactory addresses;
    private final Transport transport;

    /**
     * Creates the factory of a variant.
     *
     * @param name {@code epoll-tcp4}, {@code epoll-tcp6} or {@code epoll-unix}
     */
    public EpollSockFactory(String name) {
        if (!name.startsWith("epoll-")) {
            throw new IllegalArgumentException(name);
        }
        this.name = name;
        this.addresses = new NioSockFactory("nio-" + name.substring("epoll-".length()));
        this.transport = Co.transport("epoll");
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
    public void close() {
        addresses.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
