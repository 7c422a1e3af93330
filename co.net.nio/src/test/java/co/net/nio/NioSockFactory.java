package co.net.nio;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.SockFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** The nio transport for {@link co.net.testsuite.SockSuite}: {@code nio-tcp4}, {@code nio-tcp6}, {@code nio-unix}. */
public final class NioSockFactory implements SockFactory {

    private final String name;
    private final ProtocolFamily family;
    private final Transport transport;
    private final AtomicInteger paths = new AtomicInteger();
    private Path dir;

    /**
     * Creates the factory of a variant.
     *
     * @param name {@code nio-tcp4}, {@code nio-tcp6} or {@code nio-unix}
     */
    public NioSockFactory(String name) {
        this.name = name;
        this.family = switch (name) {
            case "nio-tcp4" -> StandardProtocolFamily.INET;
            case "nio-tcp6" -> StandardProtocolFamily.INET6;
            case "nio-unix" -> StandardProtocolFamily.UNIX;
            default -> throw new IllegalArgumentException(name);
        };
        this.transport = Co.transport("nio");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProtocolFamily family() {
        return family;
    }

    @Override
    public Sock serverSocket() {
        return transport.socket(family, Sock.Type.STREAM);
    }

    @Override
    public Sock clientSocket() {
        return transport.socket(family, Sock.Type.STREAM);
    }

    @Override
    public synchronized SocketAddress bindAddress() {
        return switch (name) {
            case "nio-tcp4" -> Co.initIpAddr("127.0.0.1", 0);
            case "nio-tcp6" -> Co.initIpAddr("::1", 0);
            default -> UnixDomainSocketAddress.of(dir().resolve("s" + paths.incrementAndGet() + ".sock"));
        };
    }

    private Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("co");        // short: a Unix socket path has ~100 bytes
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    @Override
    public SocketAddress refusedAddress() {
        // Listen, note the address, close: nothing listens there any more.
        try (ServerSocketChannel s = ServerSocketChannel.open(family)) {
            s.bind(bindAddress());
            SocketAddress a = s.getLocalAddress();
            return a instanceof InetSocketAddress ? a : UnixDomainSocketAddress.of(((UnixDomainSocketAddress) a).getPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean plainWire() {
        return true;
    }

    @Override
    public boolean connectCanStall() {
        return true;                                     // Unix: connect retries EAGAIN until its timeout
    }

    @Override
    public synchronized void close() {
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir = null;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
